package dev.breakwater.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttackerProbeTest {

  @Test
  void resultLinesRoundTripIncludingBannersWithTabs() {
    var probe = new AttackerProbe.Probe("2001:db8:1::66", "2001:db8:1::1", 3306);
    var result = new AttackerProbe.Result(probe, AttackerProbe.Outcome.CONNECTED, "5.7.44\tmysql");
    assertThat(AttackerProbe.parseLine(AttackerProbe.format(result)))
        .isEqualTo(new AttackerProbe.Result(probe, AttackerProbe.Outcome.CONNECTED, "5.7.44 mysql"));
    assertThat(probe.describe()).isEqualTo("2001:db8:1::66 -> [2001:db8:1::1]:3306");
    assertThat(AttackerProbe.parseArguments(AttackerProbe.arguments(List.of(probe)))).containsExactly(probe);
  }

  @Test
  void onlyLiteralAddressesAndRealPortsAreProbed() {
    for (String bad : List.of("example.com", "198.51.100.0/24", "-w", "")) {
      assertThatThrownBy(() -> new AttackerProbe.Probe(bad, "198.51.100.1", 80)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new AttackerProbe.Probe("198.51.100.66", bad, 80)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> new AttackerProbe.Probe("198.51.100.66", "198.51.100.1", 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AttackerProbe.Probe("198.51.100.66", "198.51.100.1", 65536)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AttackerProbe.parseArguments(List.of("198.51.100.66", "198.51.100.1"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void connectsReadsTheBannerAndTellsRefusalsApart() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try (Socket client = server.accept(); OutputStream out = client.getOutputStream()) {
          out.write("redis-like\nmore\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
          // The probe closed first.
        }
      });
      var connected = AttackerProbe.connect(new AttackerProbe.Probe("127.0.0.1", "127.0.0.1", server.getLocalPort()));
      assertThat(connected.outcome()).isEqualTo(AttackerProbe.Outcome.CONNECTED);
      assertThat(connected.banner()).isEqualTo("redis-like");
      assertThat(connected.reached()).isTrue();
    }
    int closed;
    try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = gone.getLocalPort();
    }
    var refused = AttackerProbe.connect(new AttackerProbe.Probe("127.0.0.1", "127.0.0.1", closed));
    assertThat(refused.outcome()).isEqualTo(AttackerProbe.Outcome.REFUSED);
    assertThat(refused.reached()).isFalse();
    // A source address this machine does not have cannot be bound.
    var unbindable = AttackerProbe.connect(new AttackerProbe.Probe("198.51.100.66", "127.0.0.1", closed));
    assertThat(unbindable.outcome()).isEqualTo(AttackerProbe.Outcome.ERROR);
  }
}
