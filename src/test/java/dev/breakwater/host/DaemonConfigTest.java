package dev.breakwater.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.hostconf.DaemonJsonKeys;
import dev.breakwater.problem.BadInput;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** daemon.json's exposure keys as the model holds them, read by daemon.json's one reader. */
class DaemonConfigTest {
  private static DaemonConfig read(String json) {
    return DaemonConfig.of(DaemonJsonKeys.parse(json, "daemon.json"));
  }

  @Test
  void readsTheKeysThatChangeExposure() {
    assertThat(read("""
        {"ip": "127.0.0.1", "iptables": true, "ip6tables": false, "userland-proxy": false,
         "log-driver": "journald"}
        """)).isEqualTo(new DaemonConfig(Optional.of("127.0.0.1"), true, Optional.of(false), false));
    assertThat(read("{\"ip\": \"2001:DB8::0:1\"}").defaultBindIp()).contains("2001:db8::1");
  }

  @Test
  void absentNullAndEmptyKeysAndAnEmptyFileTakeDockersDefaults() {
    assertThat(read("{}")).isEqualTo(DaemonConfig.DEFAULTS);
    assertThat(read("\n")).isEqualTo(DaemonConfig.DEFAULTS);
    assertThat(read("{\"ip\": \"\", \"iptables\": null, \"userland-proxy\": null}")).isEqualTo(DaemonConfig.DEFAULTS);
  }

  @Test
  void wrongTypesAreReportedAtTheValueInTheFileRead() {
    assertThatThrownBy(() -> DaemonJsonKeys.parse("{\n  \"iptables\": \"no\"\n}", "snap/daemon.json", "/etc/docker/daemon.json"))
        .isInstanceOf(BadInput.class)
        .hasMessage("snap/daemon.json:2:15: expected true or false for \"iptables\" (dockerd refuses another type),"
            + " found \"no\"");
    assertThatThrownBy(() -> read("{\"ip\": \"localhost\"}"))
        .hasMessage("daemon.json:1:8: expected an IP address for \"ip\" (dockerd refuses another value), found 'localhost'");
    assertThatThrownBy(() -> read("[]")).hasMessageStartingWith("daemon.json:1:1: expected one JSON object");
  }

  @Test
  void notesSayWhatTheSettingsMean() {
    // iptables, ip and userland-proxy are said by the audit with their line (hostconf.DaemonJsonChecks).
    assertThat(DaemonNotes.of(DaemonConfig.DEFAULTS)).isEmpty();
    assertThat(DaemonNotes.of(new DaemonConfig(Optional.of("127.0.0.1"), false, Optional.of(false), true)))
        .singleElement().satisfies(n -> assertThat(n).contains("\"ip6tables\": false"));
  }
}
