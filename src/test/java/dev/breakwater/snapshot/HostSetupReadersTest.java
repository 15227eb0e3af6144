package dev.breakwater.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.host.Container;
import dev.breakwater.host.ContainerRuntime;
import dev.breakwater.host.FirewalldSetup;
import dev.breakwater.host.FirewalldSetup.Running;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.HostSetup;
import dev.breakwater.hostconf.ConfigPlace;
import dev.breakwater.hostconf.UfwDefaults;
import dev.breakwater.hostconf.UfwDefaults.Policy;
import dev.breakwater.hostconf.UfwDefaultsTest;
import dev.breakwater.problem.InputProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docker-info.json, ufw-default, firewalld.conf and firewall-cmd-state.txt into {@link HostSetup}. */
class HostSetupReadersTest {
  @Test
  void dockerInfoGivesTheFirewallDriver() {
    String info = """
        {"ID":"7TRN:IPZB","Containers":2,"ServerVersion":"29.1.2",
         "FirewallBackend":{"Driver":"nftables","Info":[["ReloadedAt","2026-11-30T09:00:00Z"]]}}
        """;
    assertThat(DockerInfoReader.firewallDriver(info, "docker-info.json")).contains("nftables");
  }

  @Test
  void anOlderDaemonOrAnEmptyFileLeavesTheDriverUnknown() {
    assertThat(DockerInfoReader.firewallDriver("{\"ServerVersion\":\"27.5.1\"}", "d")).isEmpty();
    assertThat(DockerInfoReader.firewallDriver("{\"FirewallBackend\":null}", "d")).isEmpty();
    assertThat(DockerInfoReader.firewallDriver("\n", "d")).isEmpty();
  }

  @Test
  void aDockerInfoOfTheWrongShapeIsBadInputAtItsPlace() {
    assertThatThrownBy(() -> DockerInfoReader.firewallDriver("{\n \"FirewallBackend\": {\"Driver\": 3}\n}", "snap/docker-info.json"))
        .isInstanceOf(InputProblem.class)
        .hasMessageStartingWith("snap/docker-info.json:2:")
        .hasMessageContaining("expected a string");
    assertThatThrownBy(() -> DockerInfoReader.firewallDriver("{\"FirewallBackend\": \"nftables\"}", "d"))
        .hasMessageContaining("expected an object with \"Driver\"");
    assertThatThrownBy(() -> DockerInfoReader.firewallDriver("Client: Docker Engine\n Version: 29.1.2\n", "snap/docker-info.json"))
        .isInstanceOf(InputProblem.class)
        .hasMessageStartingWith("snap/docker-info.json:1:1: expected valid JSON (the output of docker info --format '{{json .}}')");
  }

  @Test
  void firewalldConfAndStateGiveItsSetup() {
    String conf = """
        # firewalld config file
        DefaultZone=public
        CleanupOnExit=yes
        FirewallBackend=nftables
        FlushAllOnReload=yes
        StrictForwardPorts=yes
        """;
    assertThat(FirewalldReader.read(Optional.of(conf), "c", Optional.of("running\n"), "s"))
        .isEqualTo(new FirewalldSetup(Running.YES, Optional.of("nftables"), true));
    assertThat(FirewalldReader.read(Optional.of("DefaultZone=public\n"), "c", Optional.of("not running\n"), "s"))
        .isEqualTo(new FirewalldSetup(Running.NO, Optional.empty(), false));
    assertThat(FirewalldReader.read(Optional.empty(), "c", Optional.empty(), "s")).isEqualTo(FirewalldSetup.UNKNOWN);
  }

  @Test
  void firewalldFilesOfTheWrongShapeAreBadInputAtTheirLine() {
    assertThatThrownBy(() -> FirewalldReader.read(Optional.of("DefaultZone=public\nStrictForwardPorts=maybe\n"),
        "snap/firewalld.conf", Optional.empty(), "s"))
        .isInstanceOf(InputProblem.class)
        .hasMessage("snap/firewalld.conf:2:20: expected StrictForwardPorts=yes or no, found 'maybe'");
    assertThatThrownBy(() -> FirewalldReader.read(Optional.of("FirewallBackend=ebtables\n"), "snap/firewalld.conf",
        Optional.empty(), "s"))
        .hasMessage("snap/firewalld.conf:1:17: expected FirewallBackend=nftables or iptables, found 'ebtables'");
    assertThatThrownBy(() -> FirewalldReader.read(Optional.empty(), "c",
        Optional.of("\nFirewallD is not running\n"), "snap/firewall-cmd-state.txt"))
        .isInstanceOf(InputProblem.class)
        .hasMessage("snap/firewall-cmd-state.txt:2:1: expected 'running' or 'not running', as firewall-cmd --state prints,"
            + " found 'FirewallD is not running'");
  }

  @Test
  void aSnapshotDirectoryReadsTheSetupFilesAndPodmansContainers(@TempDir Path tmp) throws Exception {
    Path dir = Corpus.copy("docker-28-ufw-bypass", tmp.resolve("snap"));
    Files.writeString(dir.resolve("docker-info.json"), "{\"FirewallBackend\":{\"Driver\":\"iptables+firewalld\"}}\n");
    Files.writeString(dir.resolve("ufw-default"), UfwDefaultsTest.UBUNTU_UFW_DEFAULT.replace("FORWARD_POLICY=\"DROP\"", "FORWARD_POLICY=\"ACCEPT\""));
    Files.writeString(dir.resolve("firewalld.conf"), "FirewallBackend=nftables\n");
    Files.writeString(dir.resolve("firewall-cmd-state.txt"), "running\n");
    Files.copy(Path.of(HostSetupReadersTest.class.getResource("/podman/podman-inspect.json").toURI()),
        dir.resolve("podman-inspect.json"));

    HostFacts facts = SnapshotDirectory.read(dir);

    assertThat(facts.setup()).isEqualTo(new HostSetup(Optional.of("iptables+firewalld"),
        Optional.of(new UfwDefaults(Optional.of(Policy.ACCEPT), Optional.of(Policy.DROP),
            Optional.of(new ConfigPlace("/etc/default/ufw", UfwDefaultsTest.forwardPolicyLine(), 1)))),
        new FirewalldSetup(Running.YES, Optional.of("nftables"), false)));
    assertThat(facts.setup().dockerSawFirewalld()).isTrue();
    assertThat(facts.containers()).filteredOn(c -> c.runtime() == ContainerRuntime.PODMAN)
        .extracting(Container::name).containsExactly("web", "cache");
    assertThat(facts.containers()).filteredOn(c -> c.runtime() == ContainerRuntime.DOCKER).isNotEmpty();
  }

  @Test
  void withoutTheSetupFilesNothingIsKnown() {
    assertThat(Corpus.facts("docker-28-ufw-bypass").setup()).isEqualTo(HostSetup.UNKNOWN);
  }

  @Test
  void aBadSetupFileInASnapshotNamesItself(@TempDir Path tmp) throws Exception {
    Path dir = Corpus.copy("docker-28-ufw-bypass", tmp.resolve("snap"));
    Files.writeString(dir.resolve("firewall-cmd-state.txt"), "usage: firewall-cmd [OPTIONS...]\n");

    assertThatThrownBy(() -> SnapshotDirectory.read(dir))
        .isInstanceOf(InputProblem.class)
        .hasMessageStartingWith(dir.resolve("firewall-cmd-state.txt") + ":1:1: expected 'running' or 'not running'");

    // ufw-default's one reader names the snapshot's copy in an error (the audit cites /etc/default/ufw).
    Files.delete(dir.resolve("firewall-cmd-state.txt"));
    Files.writeString(dir.resolve("ufw-default"), "IPV6=yes\nDEFAULT_FORWARD_POLICY=open\n");
    assertThatThrownBy(() -> SnapshotDirectory.read(dir))
        .isInstanceOf(InputProblem.class)
        .hasMessage(dir.resolve("ufw-default") + ":2:24: expected DEFAULT_FORWARD_POLICY=\"ACCEPT\", \"DROP\" or"
            + " \"REJECT\", found 'open'");
  }

  @Test
  void truncatedPodmanInspectAndDockerInfoAreInputProblemsNeverAnotherException() throws Exception {
    String podman = Files.readString(Path.of(HostSetupReadersTest.class.getResource("/podman/podman-inspect.json").toURI()));
    String info = "{\"ServerVersion\": \"29.1.2\", \"FirewallBackend\": {\"Driver\": \"nftables\", \"Info\": [[\"ReloadedAt\", \"x\"]]}}";
    int problems = 0;
    for (int cut = 1; cut < podman.strip().length(); cut += 37) {
      String text = podman.substring(0, cut);
      try {
        DockerInspectReader.read(text, "p", ContainerRuntime.PODMAN);
      } catch (RuntimeException e) {
        assertThat(e).as("cut at %d", cut).isInstanceOf(InputProblem.class);
        problems++;
      }
    }
    for (int cut = 1; cut < info.length(); cut++) {
      String text = info.substring(0, cut);
      try {
        DockerInfoReader.firewallDriver(text, "d");
      } catch (RuntimeException e) {
        assertThat(e).as("cut at %d", cut).isInstanceOf(InputProblem.class);
        problems++;
      }
    }
    assertThat(problems).isGreaterThan(100);
  }
}
