package dev.breakwater.snapshot;

import dev.breakwater.host.DaemonConfig;
import dev.breakwater.host.DaemonNotes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DaemonJsonReaderTest {
  @Test
  void readsTheKeysThatChangeExposure() {
    DaemonConfig config = DaemonJsonReader.read("""
        {"ip": "127.0.0.1", "iptables": true, "ip6tables": false, "userland-proxy": false,
         "log-driver": "journald"}
        """, "daemon.json");

    assertThat(config).isEqualTo(new DaemonConfig(Optional.of("127.0.0.1"), true, Optional.of(false), false));
  }

  @Test
  void absentKeysAndAnEmptyFileTakeDockersDefaults() {
    assertThat(DaemonJsonReader.read("{}", "daemon.json")).isEqualTo(DaemonConfig.DEFAULTS);
    assertThat(DaemonJsonReader.read("\n", "daemon.json")).isEqualTo(DaemonConfig.DEFAULTS);
  }

  @Test
  void wrongTypesAreReportedAtTheirPlace() {
    assertThatThrownBy(() -> DaemonJsonReader.read("{\n  \"iptables\": \"no\"\n}", "daemon.json"))
        .isInstanceOf(SnapshotFileException.class)
        .hasMessage("daemon.json:2:15: expected true or false (at /iptables)");
    assertThatThrownBy(() -> DaemonJsonReader.read("{\"ip\": \"localhost\"}", "daemon.json"))
        .hasMessageContaining("expected an IP address, found 'localhost'");
    assertThatThrownBy(() -> DaemonJsonReader.read("[]", "daemon.json"))
        .hasMessageStartingWith("daemon.json:1:1: expected one JSON object");
  }

  @Test
  void notesSayWhatTheSettingsMean() {
    // iptables, ip and userland-proxy are said by the audit with their line (hostconf.DaemonJsonChecks).
    assertThat(DaemonNotes.of(DaemonConfig.DEFAULTS)).isEmpty();
    assertThat(DaemonNotes.of(new DaemonConfig(Optional.of("127.0.0.1"), false, Optional.of(false), true)))
        .singleElement().satisfies(n -> assertThat(n).contains("\"ip6tables\": false"));
  }
}
