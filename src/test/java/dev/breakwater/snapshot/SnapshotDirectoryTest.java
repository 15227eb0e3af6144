package dev.breakwater.snapshot;

import dev.breakwater.host.Container;
import dev.breakwater.host.DaemonConfig;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.NetworkInterface;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.host.Route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.problem.InputProblem;
import dev.breakwater.problem.BadInput;
import dev.breakwater.net.IpFamily;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SnapshotDirectoryTest {

  static Path corpus() throws URISyntaxException {
    return Corpus.root();
  }

  static Stream<Path> scenarios() throws IOException, URISyntaxException {
    List<Path> dirs;
    try (Stream<Path> list = Files.list(corpus())) {
      // public-* hold what people posted (often one table, no containers): PublicCorpusTest reads them.
      // podman-* are real Podman hosts (no eth0, docker0 or default route): dev.breakwater.lab.PodmanCorpusTest.
      dirs = list.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith("public-"))
          .filter(d -> !d.getFileName().toString().startsWith("podman-")).sorted().toList();
    }
    return dirs.stream();
  }


  @Test
  void theCorpusHasEveryScenarioOfTheBrief() throws Exception {
    // lab-* directories are real lab snapshots, checked by dev.breakwater.lab.LabCorpusTest.
    assertThat(scenarios().map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("lab-"))).containsExactlyInAnyOrder(
        "docker-20.10-ufw-bypass", "docker-24-compose-network", "docker-28-ufw-bypass", "docker-28-ipv6",
        "docker-user-fixed", "docker-user-dport-mistake", "docker-user-bare-drop", "ufw-route-rules",
        "input-only-belief", "host-network-container", "unknown-module", "nft-extra-table",
        "filter-only-dump", "iptables-s-paste", "docker-user-no-jump",
        "docker-29-nft-portmap", "docker-29-nft-routed", "docker-29-nft-natunprot", "docker-29-nft-noicc",
        "docker-29-nft-lo", "docker-29-nft-internal", "docker-29-nft-ipv6", "docker-29-nft-ufw",
        "docker-29-nft-migrated", "docker-29-nft-fwmark");
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void everyCorpusDirectoryLoads(Path dir) throws IOException {
    assertThat(dir.resolve("EXPECTED.md")).isRegularFile();

    HostFacts facts = SnapshotDirectory.read(dir);

    assertThat(facts.hostname()).isEqualTo(Files.readString(dir.resolve("hostname")).strip());
    assertThat(facts.interfaces()).extracting(NetworkInterface::name).contains("lo", "eth0", "docker0");
    assertThat(facts.routes()).anyMatch(Route::isDefault);
    assertThat(facts.containers()).isNotEmpty();
    // A Docker 29 nft-backend host: empty iptables-save, Docker's rules in nft-ruleset.json.
    assertThat(facts.ipv4().tables().isEmpty() && facts.ipv4().nftTables().isEmpty()).isFalse();
    assertThat(facts.ipv6().isPresent()).isEqualTo(Files.exists(dir.resolve("ip6tables-save.txt")));
    assertThat(facts.ufw().isPresent()).isEqualTo(Files.exists(dir.resolve("ufw-status.txt")));
  }

  /**
   * The corpus must be consistent across its files, or the audit tests built on it prove nothing:
   * every IPv4 port docker-inspect.json publishes has its DNAT rule to the container's address,
   * and every bridge the rules name exists in ip-addr.json. Checked on the text, so it holds
   * whatever the parser does.
   */
  @ParameterizedTest
  @MethodSource("scenarios")
  void corpusFilesAgreeWithEachOther(Path dir) throws IOException {
    String rules = Files.readString(dir.resolve("iptables-save.txt"), StandardCharsets.UTF_8);
    Path nft = dir.resolve("nft-ruleset.json");
    boolean dockerNft = Files.exists(nft) && Files.readString(nft).contains("\"docker-bridges\"");
    List<Container> containers = DockerInspectReader.read(Files.readString(dir.resolve("docker-inspect.json")), "d");
    List<NetworkInterface> interfaces = IpAddrReader.read(Files.readString(dir.resolve("ip-addr.json")), "a");

    for (Container c : containers) {
      for (PublishedPort p : c.ports()) {
        // filter-only-dump is iptables-save -t filter on purpose: its DNAT is what is missing.
        if (p.hostIp().isIPv4() && dockerNft) {
          // Docker 29's nftables backend: the DNAT is nft's {"dnat": {"addr": IP, "port": N}}.
          String ip = p.containerIp().orElseThrow().toCanonicalString();
          assertThat(Files.readString(nft)).as("%s: nft DNAT for %s", dir.getFileName(), p)
              .contains("\"right\": " + p.hostPort() + "}}, {\"counter\"")
              .contains("{\"dnat\": {\"addr\": \"" + ip + "\", \"port\": " + p.containerPort() + "}}");
        } else if (p.hostIp().isIPv4() && !dir.getFileName().toString().equals("filter-only-dump")) {
          String ip = p.containerIp().orElseThrow().toCanonicalString();
          assertThat(rules).as("%s: DNAT for %s", dir.getFileName(), p)
              .contains("--dport " + p.hostPort() + " -j DNAT --to-destination " + ip + ":" + p.containerPort());
          assertThat(rules).contains("-d " + ip + "/32 ! -i ");
        }
      }
    }
    Set<String> names = interfaces.stream().map(NetworkInterface::name).collect(Collectors.toSet());
    Matcher bridges = Pattern.compile("-[io] (docker0|br-[0-9a-f]{12})").matcher(rules);
    while (bridges.find()) {
      assertThat(names).as("%s: interface %s", dir.getFileName(), bridges.group(1)).contains(bridges.group(1));
    }
    for (NetworkInterface i : interfaces) {
      if (!i.master().isEmpty()) {
        assertThat(names).contains(i.master());
      }
    }
  }

  @Test
  void ipv6ScenarioReadsBothRouteFilesAndTheDockerProxyOnlyBinding() throws Exception {
    Path dir = corpus().resolve("docker-28-ipv6");
    List<Route> v6 = IpRouteReader.read(Files.readString(dir.resolve("ip6-route.json")), "r", IpFamily.V6);
    List<Container> containers = DockerInspectReader.read(Files.readString(dir.resolve("docker-inspect.json")), "d");
    String rules6 = Files.readString(dir.resolve("ip6tables-save.txt"));

    assertThat(v6).anyMatch(Route::isDefault).allMatch(r -> r.family() == IpFamily.V6);
    PublishedPort es6 = containers.get(1).ports().stream().filter(p -> p.hostIp().isIPv6()).findFirst().orElseThrow();
    assertThat(es6.hostPort()).isEqualTo(9200);
    assertThat(es6.containerIp()).get().matches(a -> a.isIPv4(), "docker-proxy's IPv4 target");
    assertThat(rules6).doesNotContain("--dport 9200").contains("--to-destination [fd00:dead:beef::2]:80");
  }

  @Test
  void missingRequiredFileSaysHowToProduceIt(@TempDir Path tmp) throws Exception {
    Path dir = copyOf("docker-user-fixed", tmp);
    Files.delete(dir.resolve("iptables-save.txt"));

    assertThatThrownBy(() -> SnapshotDirectory.read(dir))
        .isInstanceOf(BadInput.class)
        .hasMessage(dir + ": missing iptables-save.txt (produce it with: iptables-save > "
            + dir.resolve("iptables-save.txt") + ")");
  }

  @Test
  void eachRequiredFileIsRequired(@TempDir Path tmp) throws Exception {
    for (String file : List.of("docker-inspect.json", "ip-addr.json")) {
      Path dir = copyOf("docker-user-fixed", tmp.resolve(file));
      Files.delete(dir.resolve(file));

      assertThatThrownBy(() -> SnapshotDirectory.read(dir))
          .isInstanceOf(BadInput.class)
          .hasMessageStartingWith(dir + ": missing " + file + " (produce it with: ");
    }
  }

  @Test
  void notADirectory(@TempDir Path tmp) {
    assertThatThrownBy(() -> SnapshotDirectory.read(tmp.resolve("nope")))
        .isInstanceOf(BadInput.class)
        .hasMessageContaining("not a snapshot directory");
  }

  @Test
  void malformedJsonIsReportedWithFileLineAndColumn(@TempDir Path tmp) throws Exception {
    Path dir = copyOf("docker-user-fixed", tmp);
    Files.writeString(dir.resolve("docker-inspect.json"), "[\n  {\"Id\": \"abc\",,\n]\n");

    assertThatThrownBy(() -> SnapshotDirectory.read(dir))
        .isInstanceOf(InputProblem.class)
        .hasMessageStartingWith(dir.resolve("docker-inspect.json") + ":2:16: expected valid JSON")
        .hasNoCause();
  }

  @Test
  void malformedOptionalFilesAreReportedToo(@TempDir Path tmp) throws Exception {
    Path dir = copyOf("docker-user-fixed", tmp.resolve("a"));
    Files.writeString(dir.resolve("ufw-status.txt"), "Firewall is on\n");
    assertThatThrownBy(() -> SnapshotDirectory.read(dir))
        .isInstanceOf(InputProblem.class)
        .hasMessageStartingWith(dir.resolve("ufw-status.txt") + ":1: expected \"Status: active\"");

    Path dir2 = copyOf("docker-user-fixed", tmp.resolve("b"));
    Files.writeString(dir2.resolve("daemon.json"), "{\"ip\": 127}");
    assertThatThrownBy(() -> SnapshotDirectory.read(dir2))
        .isInstanceOf(InputProblem.class)
        .hasMessage(dir2.resolve("daemon.json") + ":1:8: expected a string for \"ip\" (dockerd refuses another type),"
            + " found 127");
  }

  @Test
  void fileThatIsNotUtf8IsAUserError(@TempDir Path tmp) throws Exception {
    Path dir = copyOf("docker-user-fixed", tmp);
    Files.write(dir.resolve("ip-addr.json"), new byte[] {'[', (byte) 0xff, (byte) 0xfe, ']'});

    assertThatThrownBy(() -> SnapshotDirectory.read(dir))
        .isInstanceOf(BadInput.class)
        .hasMessage(dir.resolve("ip-addr.json") + ": not UTF-8 text (write it again with the command that produces it)");
  }

  @Test
  void aFifoOrADeviceInPlaceOfAFileIsRefusedNotWaitedOn(@TempDir Path tmp) throws Exception {
    Path dir = copyOf("docker-user-fixed", tmp);
    Path fifo = dir.resolve("ufw-status.txt");
    Files.deleteIfExists(fifo);
    org.assertj.core.api.Assumptions.assumeThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    assertThatThrownBy(() -> SnapshotDirectory.read(dir))
        .isInstanceOf(BadInput.class)
        .hasMessage(fifo + ": expected a regular file of at most 64 MiB, got a FIFO"
            + " (write it again with the command that produces it)");

    Files.delete(fifo);
    Files.createSymbolicLink(dir.resolve("ufw-status.txt"), Path.of("/dev/zero"));
    assertThatThrownBy(() -> SnapshotDirectory.read(dir))
        .hasMessageContaining("ufw-status.txt: expected a regular file of at most 64 MiB, got a character device");
  }

  @Test
  void aFileOverTheCapIsRefusedBeforeItIsRead(@TempDir Path tmp) throws Exception {
    Path dir = copyOf("docker-user-fixed", tmp);
    Path big = dir.resolve("iptables-save.txt");
    try (var out = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.WRITE)) {
      out.truncate(0).position(64 * 1024 * 1024).write(java.nio.ByteBuffer.wrap(new byte[] {'\n'}));
    }
    assertThatThrownBy(() -> SnapshotDirectory.read(dir))
        .isInstanceOf(BadInput.class)
        .hasMessage(big + ": expected a regular file of at most 64 MiB, got 67,108,865 bytes"
            + " (write it again with the command that produces it)");
  }

  @Test
  void jsonNested3000LevelsIsAPositionedErrorNotAStackOverflow(@TempDir Path tmp) throws Exception {
    Path dir = copyOf("docker-user-fixed", tmp);
    Files.writeString(dir.resolve("docker-inspect.json"), "[".repeat(3000) + "]".repeat(3000));
    assertThatThrownBy(() -> SnapshotDirectory.read(dir))
        .isInstanceOf(InputProblem.class)
        .hasMessageStartingWith(dir.resolve("docker-inspect.json") + ":1:258: expected valid JSON")
        .hasMessageContaining("nesting depth");
  }

  @Test
  void notesForExtraNftTablesAndDaemonSettings(@TempDir Path tmp) throws Exception {
    Path dir = copyOf("nft-extra-table", tmp);
    Files.writeString(dir.resolve("daemon.json"), "{\"ip\": \"127.0.0.1\"}");

    HostFacts facts = SnapshotDirectory.read(dir);

    assertThat(facts.notes())
        .noneMatch(n -> n.startsWith("nft table inet firewalld")) // read: nothing in it is unknown
        .anyMatch(n -> n.contains("no ip6tables-save.txt"));
    // "ip" is said by the audit with its line (hostconf.DaemonJsonChecks), not among the snapshot's notes.
    assertThat(facts.setup().hostConfig().findings(java.util.List.of(), java.util.List.of()))
        .singleElement().satisfies(f -> {
          assertThat(f.id()).isEqualTo(dev.breakwater.hostconf.DaemonJsonChecks.DEFAULT_BIND);
          assertThat(f.where().toString()).isEqualTo("/etc/docker/daemon.json:1:2");
          assertThat(f.message()).contains("\"ip\": \"127.0.0.1\"");
        });
    assertThat(facts.daemon()).get().extracting(DaemonConfig::defaultBindIp).isEqualTo(java.util.Optional.of("127.0.0.1"));
    // iptables-nft's ip filter is in iptables-save: only firewalld's table is added.
    assertThat(facts.ipv4().nftTables()).extracting(dev.breakwater.netfilter.NftTable::label).containsExactly("inet firewalld");
  }

  @Test
  void anNftTableWithARunTimeSetIsNamedInANote(@TempDir Path tmp) throws Exception {
    Path dir = copyOf("nft-extra-table", tmp);
    Files.writeString(dir.resolve("nft-ruleset.json"), """
        {"nftables": [{"table": {"family": "inet", "name": "guard", "handle": 1}},
        {"set": {"family": "inet", "name": "bad", "table": "guard", "type": "ipv4_addr", "handle": 2, "flags": ["timeout"]}},
        {"chain": {"family": "inet", "table": "guard", "name": "fw", "handle": 1, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}},
        {"rule": {"family": "inet", "table": "guard", "chain": "fw", "handle": 3, "expr": [
          {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "@bad"}}, {"drop": null}]}}]}
        """);
    HostFacts facts = SnapshotDirectory.read(dir);
    assertThat(facts.notes()).anyMatch(n -> n.startsWith("nft table inet guard has parts Breakwater cannot know (set @bad"));
    assertThat(facts.ipv4().nftTables()).singleElement().extracting(t -> t.chain("fw").orElseThrow().rules().getFirst().hasUnknown())
        .isEqualTo(true);
  }

  private static Path copyOf(String scenario, Path target) throws Exception {
    return Corpus.copy(scenario, target);
  }
}
