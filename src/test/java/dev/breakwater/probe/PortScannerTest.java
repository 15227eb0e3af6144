package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The scanner on loopback, where every port either accepts or resets. */
class PortScannerTest {
  private static List<ServerSocket> listen(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ServerSocket s = new ServerSocket();
      // Nobody accepts: every probe stays in the accept queue, so make room for many.
      s.bind(new InetSocketAddress("127.0.0.1", 0), 4096);
      sockets.add(s);
    }
    return sockets;
  }

  private static void closeAll(List<ServerSocket> sockets) throws IOException {
    for (ServerSocket s : sockets) {
      s.close();
    }
  }

  @Test
  void listeningPortsAreOpenAndTheRestClosedWhateverTheConcurrency() throws IOException {
    List<ServerSocket> listeners = listen(3);
    try {
      InetAddress loopback = InetAddress.getByName("127.0.0.1");
      List<Endpoint> endpoints = new ArrayList<>();
      List<Integer> open = listeners.stream().map(ServerSocket::getLocalPort).toList();
      for (int p : open) {
        endpoints.add(new Endpoint(loopback, p));
      }
      // Ports just freed by closed sockets: nothing listens there.
      List<ServerSocket> closed = listen(5);
      closeAll(closed);
      for (ServerSocket s : closed) {
        endpoints.add(new Endpoint(loopback, s.getLocalPort()));
      }
      for (int concurrency : new int[] {1, 2, 64}) {
        List<PortResult> results = new PortScanner(new ScanSettings(concurrency, Duration.ofSeconds(2), 0))
            .scan(endpoints, ScanProgress.NONE);
        assertThat(results).extracting(PortResult::endpoint).containsExactlyElementsOf(endpoints);
        assertThat(PortScanner.openEndpoints(results)).extracting(Endpoint::port)
            .as("concurrency %d", concurrency).containsExactlyElementsOf(open);
        assertThat(results.subList(3, 8)).extracting(PortResult::state).containsOnly(PortState.CLOSED);
      }
    } finally {
      closeAll(listeners);
    }
  }

  @Test
  void aScanLargeEnoughToBeSplitAcrossThreadsKeepsEveryResultInItsPlace() throws IOException {
    List<ServerSocket> listeners = listen(2);
    List<ServerSocket> freed = listen(3);
    closeAll(freed);
    try {
      InetAddress loopback = InetAddress.getByName("127.0.0.1");
      List<Integer> ports = new ArrayList<>();
      listeners.forEach(s -> ports.add(s.getLocalPort()));
      freed.forEach(s -> ports.add(s.getLocalPort()));
      // 5000 endpoints (the same five, over and over): enough for one stripe per core.
      List<Endpoint> endpoints = new ArrayList<>();
      for (int i = 0; i < 5000; i++) {
        endpoints.add(new Endpoint(loopback, ports.get(i % ports.size())));
      }
      AtomicLong lastOpen = new AtomicLong();
      List<PortResult> results = new PortScanner(new ScanSettings(512, Duration.ofSeconds(2), 0))
          .scan(endpoints, (done, total, open) -> lastOpen.set(open));
      assertThat(results).extracting(PortResult::endpoint).containsExactlyElementsOf(endpoints);
      for (int i = 0; i < results.size(); i++) {
        PortState expected = i % ports.size() < 2 ? PortState.OPEN : PortState.CLOSED;
        assertThat(results.get(i).state()).as("endpoint %d, %s", i, endpoints.get(i)).isEqualTo(expected);
      }
      assertThat(lastOpen.get()).isEqualTo(2000);
    } finally {
      closeAll(listeners);
    }
  }

  @Test
  void aSocketConnectedToItselfIsAClosedPortNotAnOpenOne() throws IOException {
    // What the kernel does when it picks the probed port as the local one on the scanner's own
    // host: bind to the port, connect to it, and the socket meets itself (simultaneous open).
    try (SocketChannel self = SocketChannel.open()) {
      self.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = ((InetSocketAddress) self.getLocalAddress()).getPort();
      self.connect(new InetSocketAddress("127.0.0.1", port));
      assertThat(self.isConnected()).as("the kernel connected the socket to itself").isTrue();
      PortResult r = PortScanner.connected(new Endpoint(InetAddress.getByName("127.0.0.1"), port), self);
      assertThat(r.state()).isEqualTo(PortState.CLOSED);
    }
    try (ServerSocket listener = new ServerSocket();
        SocketChannel client = SocketChannel.open()) {
      listener.bind(new InetSocketAddress("127.0.0.1", 0));
      Endpoint e = new Endpoint(InetAddress.getByName("127.0.0.1"), listener.getLocalPort());
      client.connect(e.socketAddress());
      assertThat(PortScanner.connected(e, client).state()).isEqualTo(PortState.OPEN);
    }
  }

  @Test
  void ipv6LoopbackIsScannedToo() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("::1", 0));
      Endpoint e = new Endpoint(InetAddress.getByName("::1"), s.getLocalPort());
      List<PortResult> results = new PortScanner(ScanSettings.DEFAULT).scan(List.of(e), ScanProgress.NONE);
      assertThat(results).singleElement().extracting(PortResult::state).isEqualTo(PortState.OPEN);
    }
  }

  @Test
  void progressEndsAtTheTotalWithTheOpenCount() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      InetAddress loopback = InetAddress.getByName("127.0.0.1");
      List<Endpoint> endpoints = new ArrayList<>();
      for (int p = 1; p <= 2000; p++) {
        if (p != s.getLocalPort()) {
          endpoints.add(new Endpoint(loopback, p));
        }
      }
      endpoints.add(new Endpoint(loopback, s.getLocalPort()));
      AtomicLong lastDone = new AtomicLong(-1);
      AtomicLong lastTotal = new AtomicLong();
      AtomicLong lastOpen = new AtomicLong();
      new PortScanner(new ScanSettings(256, Duration.ofSeconds(2), 0)).scan(endpoints, (done, total, open) -> {
        assertThat(done).isGreaterThanOrEqualTo(lastDone.get()).isLessThanOrEqualTo(total);
        lastDone.set(done);
        lastTotal.set(total);
        lastOpen.set(open);
      });
      assertThat(lastDone.get()).isEqualTo(endpoints.size());
      assertThat(lastTotal.get()).isEqualTo(endpoints.size());
      // Loopback may have other listeners in 1-2000 (sshd on 22, say); ours is one of them.
      assertThat(lastOpen.get()).isGreaterThanOrEqualTo(1);
    }
  }
}
