package dev.breakwater.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.catalog.Severity;
import dev.breakwater.cli.Json;
import dev.breakwater.host.Container;
import dev.breakwater.host.ContainerRuntime;
import dev.breakwater.host.FirewalldSetup;
import dev.breakwater.host.FirewalldSetup.Running;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.HostSetup;
import dev.breakwater.hostconf.UfwDefaults;
import dev.breakwater.hostconf.UfwDefaults.Policy;
import dev.breakwater.snapshot.Corpus;
import dev.breakwater.ufw.UfwStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The host-wide findings and notes of {@link HostSetup}: UFW's forward policy, Docker's nftables backend, firewalld. */
class SetupFindingsTest {
  private static final String FIREWALLD_NOTE =
      "firewalld zone rules do not apply to Docker-published ports (filter_FORWARD: ct status dnat accept)";

  /** docker-28-ufw-bypass: UFW active, deny (routed), mysql 0.0.0.0:3306 -> 172.17.0.2, default route via eth0. */
  private static final HostFacts UFW_HOST = Corpus.facts("docker-28-ufw-bypass");

  private static HostFacts with(HostFacts f, HostSetup setup) {
    return new HostFacts(f.hostname(), f.interfaces(), f.routes(), f.containers(), f.ipv4(), f.ipv6(), f.ufw(),
        f.daemon(), f.notes(), setup);
  }

  private static HostFacts withUfw(HostFacts f, boolean active) {
    UfwStatus ufw = f.ufw().orElseThrow();
    return new HostFacts(f.hostname(), f.interfaces(), f.routes(), f.containers(), f.ipv4(), f.ipv6(),
        Optional.of(new UfwStatus(active, ufw.defaultIncoming(), ufw.defaultOutgoing(), ufw.defaultRouted(), ufw.rules())),
        f.daemon(), f.notes(), f.setup());
  }

  private static HostSetup ufwForward(Policy forward) {
    return new HostSetup(Optional.empty(), Optional.of(new UfwDefaults(Optional.of(forward), Optional.of(Policy.DROP))),
        FirewalldSetup.UNKNOWN);
  }

  private static HostSetup firewalld(Running running, boolean strict, Optional<String> dockerDriver) {
    return new HostSetup(dockerDriver, Optional.empty(), new FirewalldSetup(running, Optional.of("nftables"), strict));
  }

  @Test
  void ufwsForwardAcceptIsAHostFindingWithThisHostsRouteRules() {
    AuditReport report = HostAudit.run(with(UFW_HOST, ufwForward(Policy.ACCEPT)));

    assertThat(report.hostFindings()).singleElement().satisfies(f -> {
      assertThat(f.id()).isEqualTo(SetupFindings.UFW_FORWARD_ACCEPT);
      assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
      assertThat(f.message()).startsWith("UFW's DEFAULT_FORWARD_POLICY=ACCEPT opens every forwarded path"
          + " (the usual fix for Podman/Docker-nftables egress)");
      assertThat(f.fix()).startsWith("Set DEFAULT_FORWARD_POLICY=\"DROP\" in /etc/default/ufw")
          .contains("'ufw route allow in on docker0 out on eth0'")
          .contains("'ufw route allow proto tcp to 172.17.0.2 port 3306'")
          .endsWith("then 'ufw reload'.");
    });
    assertThat(report.failsAt(Severity.MEDIUM)).isTrue();

    JsonNode json = Json.mapper().readTree(Json.write(report));
    assertThat(json.get("hostFindings").get(0).get("id").asString()).isEqualTo("ufw-forward-accept");
    assertThat(json.get("hostFindings").get(0).get("severity").asString()).isEqualTo("medium");
    assertThat(AuditText.render(report)).contains("\nThe host's firewall:\n  medium ufw-forward-accept: UFW's DEFAULT_FORWARD_POLICY=ACCEPT")
        .contains("    fix: Set DEFAULT_FORWARD_POLICY=\"DROP\"");
  }

  @Test
  void forwardAcceptNeedsUfwActiveAndTheAcceptPolicy() {
    assertThat(HostAudit.run(withUfw(with(UFW_HOST, ufwForward(Policy.ACCEPT)), false)).hostFindings()).isEmpty();
    assertThat(HostAudit.run(with(UFW_HOST, ufwForward(Policy.DROP))).hostFindings()).isEmpty();
    AuditReport unknown = HostAudit.run(UFW_HOST);
    assertThat(unknown.hostFindings()).isEmpty();
    assertThat(AuditText.render(unknown)).doesNotContain("The host's firewall:");
    assertThat(Json.mapper().readTree(Json.write(unknown)).get("hostFindings").isEmpty()).isTrue();
  }

  @Test
  void dockersNftablesBackendUnderUfwsRoutedDenyIsANote() {
    AuditReport report = HostAudit.run(with(UFW_HOST, new HostSetup(Optional.of("nftables"))));

    assertThat(report.notes()).anyMatch(n -> n.startsWith("UFW's routed deny drops what Docker's nftables rules accept:"
        + " published ports meant to be public are unreachable and containers lose outbound traffic")
        && n.contains("'ufw route allow in on docker0 out on eth0'"));
    assertThat(AuditText.render(report)).contains("UFW's routed deny drops what Docker's nftables rules accept");
    assertThat(HostAudit.run(with(UFW_HOST, new HostSetup(Optional.of("iptables")))).notes())
        .noneMatch(n -> n.contains("routed deny"));
    assertThat(HostAudit.run(withUfw(with(UFW_HOST, new HostSetup(Optional.of("nftables"))), false)).notes())
        .noneMatch(n -> n.contains("routed deny"));
    HostSetup forwardAccept = new HostSetup(Optional.of("nftables"),
        Optional.of(new UfwDefaults(Optional.of(Policy.ACCEPT), Optional.empty())), FirewalldSetup.UNKNOWN);
    assertThat(HostAudit.run(with(UFW_HOST, forwardAccept)).notes()).noneMatch(n -> n.contains("routed deny"));
  }

  @Test
  void firewalldRunningWithoutStrictForwardPortsIsANote() {
    assertThat(HostAudit.run(with(UFW_HOST, firewalld(Running.YES, false, Optional.empty()))).notes())
        .anyMatch(n -> n.startsWith(FIREWALLD_NOTE) && n.contains("StrictForwardPorts=yes"));
    // firewall-cmd-state.txt missing, but the daemon said it found firewalld when it started
    assertThat(HostAudit.run(with(UFW_HOST, firewalld(Running.UNKNOWN, false, Optional.of("iptables+firewalld")))).notes())
        .anyMatch(n -> n.startsWith(FIREWALLD_NOTE));
    assertThat(HostAudit.run(with(UFW_HOST, firewalld(Running.YES, true, Optional.empty()))).notes())
        .noneMatch(n -> n.startsWith("firewalld"));
    assertThat(HostAudit.run(with(UFW_HOST, firewalld(Running.NO, false, Optional.of("iptables")))).notes())
        .noneMatch(n -> n.startsWith("firewalld"));
    assertThat(HostAudit.run(with(UFW_HOST, firewalld(Running.UNKNOWN, false, Optional.of("iptables")))).notes())
        .noneMatch(n -> n.startsWith("firewalld"));
  }

  @Test
  void podmansPortsAreAuditedAndSaidToBePodmans() {
    List<Container> podman = UFW_HOST.containers().stream()
        .map(c -> new Container(c.id(), c.name(), c.image(), c.labels(), c.networkMode(), c.networks(), c.ports(),
            c.env(), c.command(), ContainerRuntime.PODMAN))
        .toList();
    HostFacts facts = new HostFacts(UFW_HOST.hostname(), UFW_HOST.interfaces(), UFW_HOST.routes(), podman,
        UFW_HOST.ipv4(), UFW_HOST.ipv6(), UFW_HOST.ufw(), UFW_HOST.daemon(), UFW_HOST.notes(),
        firewalld(Running.YES, false, Optional.empty()));

    AuditReport report = HostAudit.run(facts);

    assertThat(report.exposures()).isNotEmpty().allMatch(e -> e.runtime().equals("podman"));
    assertThat(HostAudit.run(UFW_HOST).exposures()).allMatch(e -> e.runtime().equals("docker"));
    assertThat(AuditText.render(report)).containsPattern("\\(podman\\)");
    assertThat(Json.mapper().readTree(Json.write(report)).get("exposures").get(0).get("runtime").asString()).isEqualTo("podman");
    assertThat(report.notes()).anyMatch(n -> n.startsWith(
        "firewalld zone rules do not apply to Podman-published ports (filter_FORWARD: ct status dnat accept)")
        && n.contains("rootful Podman then refuses -p"));
  }
}
