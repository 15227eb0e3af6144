package dev.breakwater.hostconf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.catalog.Severity;
import dev.breakwater.problem.BadInput;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * daemon.json's one reader (keys with their places, bounded, typed) and what {@code hosts},
 * {@code iptables}, {@code ip} and {@code userland-proxy} mean.
 */
class DaemonJsonChecksTest {
  private static List<HostConfigFinding> check(String json) {
    return DaemonJsonChecks.of(DaemonJsonKeys.parse(json, "daemon.json"));
  }

  @Test
  void keysAndArrayElementsKeepTheirLineAndColumn() {
    DaemonJsonKeys keys = DaemonJsonKeys.parse("""
        {
          "hosts": ["unix:///var/run/docker.sock",
                    "tcp://0.0.0.0:2375"],
            "iptables": false
        }
        """, "daemon.json");

    assertThat(keys.key("hosts").orElseThrow().place()).isEqualTo(new ConfigPlace("daemon.json", 2, 3));
    assertThat(keys.key("hosts").orElseThrow().elementPlaces())
        .containsExactly(new ConfigPlace("daemon.json", 2, 13), new ConfigPlace("daemon.json", 3, 13));
    assertThat(keys.key("iptables").orElseThrow().place().toString()).isEqualTo("daemon.json:4:5");
    assertThat(keys.key("iptables").orElseThrow().bool()).contains(false);
    assertThat(keys.key("ip")).isEmpty();
  }

  @Test
  void anEmptyFileIsAnEmptyObjectAndBadJsonIsAnErrorAtItsPlace() {
    assertThat(check("  \n")).isEmpty();
    assertThatThrownBy(() -> DaemonJsonKeys.parse("{\n  \"ip\": 127.0.0.1\n}", "daemon.json"))
        .isInstanceOf(BadInput.class).hasMessageStartingWith("daemon.json:2:");
    assertThatThrownBy(() -> DaemonJsonKeys.parse("[]", "daemon.json"))
        .isInstanceOf(BadInput.class).hasMessage("daemon.json:1:1: expected one JSON object, as dockerd reads");
  }

  @Test
  void findingsCiteTheHostsFileAndErrorsTheFileRead() {
    DaemonJsonKeys keys = DaemonJsonKeys.parse("{\n  \"iptables\": false\n}", "snap/daemon.json", "/etc/docker/daemon.json");

    assertThat(keys.file()).isEqualTo("/etc/docker/daemon.json");
    assertThat(DaemonJsonChecks.of(keys)).singleElement()
        .satisfies(f -> assertThat(f.where()).isEqualTo(new ConfigPlace("/etc/docker/daemon.json", 2, 3)));
    assertThatThrownBy(() -> DaemonJsonKeys.parse("{\n  \"iptables\": fals\n}", "snap/daemon.json", "/etc/docker/daemon.json"))
        .isInstanceOf(BadInput.class).hasMessageStartingWith("snap/daemon.json:2:");
  }

  @Test
  void theKeysBreakwaterReadsAreTypedWhenTheFileIsReadOthersAreNot() {
    assertThatThrownBy(() -> DaemonJsonKeys.parse("{\"hosts\": \"tcp://0.0.0.0:2375\"}", "daemon.json"))
        .isInstanceOf(BadInput.class)
        .hasMessage("daemon.json:1:11: expected an array of strings for \"hosts\" (dockerd refuses another type),"
            + " found \"tcp://0.0.0.0:2375\"");
    assertThatThrownBy(() -> DaemonJsonKeys.parse("{\"hosts\": [\"fd://\", 2375]}", "daemon.json"))
        .hasMessageStartingWith("daemon.json:1:11: expected an array of strings");
    assertThatThrownBy(() -> DaemonJsonKeys.parse("{\"tlsverify\": \"yes\"}", "daemon.json"))
        .hasMessageStartingWith("daemon.json:1:15: expected true or false for \"tlsverify\"");
    assertThatThrownBy(() -> DaemonJsonKeys.parse("{\n\"ip\": \"0.0.0.0/x\"}", "daemon.json"))
        .hasMessageStartingWith("daemon.json:2:7: expected an IP address");
    // dockerd's other keys are its business: read, not judged.
    assertThat(DaemonJsonKeys.parse("{\"log-opts\": {\"max-size\": 10}, \"hosts\": null}", "daemon.json")
        .key("log-opts")).isPresent();
  }

  @Test
  void whatItReadsIsBoundedAndEveryRefusalHasALine() {
    String deep = "{\"x\": " + "[".repeat(3000) + "]".repeat(3000) + "}";
    assertThatThrownBy(() -> DaemonJsonKeys.parse(deep, "daemon.json"))
        .isInstanceOf(BadInput.class).hasMessageMatching("daemon\\.json:1:\\d+: expected valid JSON .*");

    String huge = "{\"labels\": [" + "\"a\",".repeat(DaemonJsonKeys.MAX_CHARS / 4) + "\"a\"]}";
    assertThatThrownBy(() -> DaemonJsonKeys.parse(huge, "daemon.json"))
        .isInstanceOf(BadInput.class).hasMessageStartingWith("daemon.json:1:1: expected a daemon.json of at most 1,048,576");
  }

  @Test
  void aTcpApiOnEveryAddressWithoutTlsIsCriticalAtItsLine() {
    List<HostConfigFinding> found = check("""
        {
          "hosts": [
            "fd://",
            "tcp://0.0.0.0:2375"
          ]
        }
        """);

    assertThat(found).singleElement().satisfies(f -> {
      assertThat(f.id()).isEqualTo(DaemonJsonChecks.API_TCP_OPEN);
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.where()).isEqualTo(new ConfigPlace("daemon.json", 4, 5));
      assertThat(f.message()).contains("tcp 0.0.0.0:2375 without TLS").contains("root on this host");
      assertThat(f.fix()).contains("remove \"tcp://0.0.0.0:2375\"").contains("\"tlsverify\": true");
    });
  }

  @Test
  void tlsWithoutVerificationIsStillOpenAndTlsverifyOrLoopbackIsANote() {
    assertThat(check("{\"hosts\": [\"tcp://198.51.100.10:2376\"], \"tls\": true}"))
        .singleElement().satisfies(f -> {
          assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
          assertThat(f.message()).contains("without client verification");
        });
    assertThat(check("{\"hosts\": [\"tcp://0.0.0.0:2376\"], \"tlsverify\": true}"))
        .singleElement().satisfies(f -> {
          assertThat(f.id()).isEqualTo(DaemonJsonChecks.API_TCP_TLS);
          assertThat(f.isNote()).isTrue();
        });
    assertThat(check("{\"hosts\": [\"tcp://127.0.0.1:2375\", \"tcp://localhost\", \"tcp://[::1]:2375\"]}"))
        .hasSize(3).allSatisfy(f -> {
          assertThat(f.id()).isEqualTo(DaemonJsonChecks.API_TCP_LOCAL);
          assertThat(f.isNote()).isTrue();
        });
  }

  @Test
  void anEntryWithoutSchemeOrHostIsTcpAndCountsAsEveryAddress() {
    // moby opts.ParseDaemonHost: no scheme means tcp; an empty or unresolvable host is not known to be loopback.
    assertThat(DaemonJsonChecks.tcpHost("0.0.0.0", false)).contains(new DaemonJsonChecks.TcpHost("0.0.0.0", 2375, false));
    assertThat(DaemonJsonChecks.tcpHost("tcp://:2376", true)).contains(new DaemonJsonChecks.TcpHost("", 2376, false));
    assertThat(DaemonJsonChecks.tcpHost("tcp://[2001:db8::1]:2375", false))
        .contains(new DaemonJsonChecks.TcpHost("2001:db8::1", 2375, false));
    assertThat(DaemonJsonChecks.tcpHost("unix:///run/docker.sock", false)).isEmpty();
    assertThat(check("{\"hosts\": [\"tcp://docker.example:2375\"]}")).singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL));
  }

  @Test
  void iptablesFalseSaysWhatItBreaksAndWhatItCloses() {
    List<HostConfigFinding> found = check("{\n  \"iptables\": false\n}");

    assertThat(found).singleElement().satisfies(f -> {
      assertThat(f.id()).isEqualTo(DaemonJsonChecks.IPTABLES_OFF);
      assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
      assertThat(f.where().line()).isEqualTo(2);
      assertThat(f.message()).contains("no NAT or FORWARD rules").contains("UFW's INPUT rules do apply")
          .contains("outbound NAT").contains("DNAT");
      assertThat(f.fix()).contains("DOCKER-USER");
    });
    assertThat(check("{\"iptables\": true}")).isEmpty();
  }

  @Test
  void ipAndUserlandProxyAreNotes() {
    assertThat(check("{\"ip\": \"127.0.0.1\"}")).singleElement().satisfies(f -> {
      assertThat(f.isNote()).isTrue();
      assertThat(f.message()).contains("the safe default");
    });
    assertThat(check("{\"ip\": \"198.51.100.10\"}")).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("bind to 198.51.100.10"));
    assertThat(check("{\"ip\": \"0.0.0.0\"}")).isEmpty();
    assertThat(check("{\"userland-proxy\": false}")).singleElement().satisfies(f -> {
      assertThat(f.id()).isEqualTo(DaemonJsonChecks.USERLAND_PROXY_OFF);
      assertThat(f.message()).contains("route_localnet=1");
    });
  }
}
