package dev.breakwater.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.host.HostListener;
import dev.breakwater.host.HostListener.ListenerProcess;
import dev.breakwater.net.Transport;
import dev.breakwater.problem.InputProblem;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SsListeningReaderTest {

  private static String capture(String name) throws IOException {
    try (InputStream in = SsListeningReaderTest.class.getResourceAsStream("/ss/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static IPAddress ip(String text) {
    return new IPAddressString(text).getAddress();
  }

  private static HostListener at(List<HostListener> all, String endpoint) {
    return all.stream().filter(l -> l.endpoint().equals(endpoint)).findFirst()
        .orElseThrow(() -> new AssertionError(endpoint + " not in " + all.stream().map(HostListener::endpoint).toList()));
  }

  @Test
  void readsEveryLineOfARealCapture() throws IOException {
    List<HostListener> all = SsListeningReader.read(capture("namespace-listeners.txt"), "ss-listening.txt");

    assertThat(all).extracting(HostListener::endpoint).containsExactly(
        "127.0.0.53%lo:53/udp", "0.0.0.0:123/udp", "[::]:123/udp", "198.51.100.10:9000/tcp", "0.0.0.0:443/tcp",
        "127.0.0.1:8080/tcp", "0.0.0.0:3306/tcp", "198.51.100.10%veth-a:2375/tcp", "[::]:443/tcp", "*:22/tcp",
        "[2001:db8::10]:5432/tcp", "[fe80::1]%veth-a:8443/tcp", "[::1]:6379/tcp", "0.0.0.0:80/tcp",
        "[::ffff:198.51.100.10]:2376/tcp");
    assertThat(all).allSatisfy(l -> assertThat(l.processName()).isEqualTo("python3"));
  }

  @Test
  void aStarIsADualStackSocketReachedOverBothFamilies() throws IOException {
    HostListener ssh = at(SsListeningReader.read(capture("namespace-listeners.txt"), "s"), "*:22/tcp");

    assertThat(ssh.dualStack()).isTrue();
    assertThat(ssh.protocol()).isEqualTo(Transport.TCP);
    assertThat(ssh.destinations()).containsExactly(ip("0.0.0.0"), ip("::"));
    assertThat(ssh.processes()).containsExactly(new ListenerProcess("python3", 5939));
  }

  @Test
  void v6OnlyWildcardIsIpv6Only() throws IOException {
    HostListener ntp = at(SsListeningReader.read(capture("namespace-listeners.txt"), "s"), "[::]:123/udp");

    assertThat(ntp.dualStack()).isFalse();
    assertThat(ntp.destinations()).containsExactly(ip("::"));
  }

  @Test
  void deviceScopesAreKeptAndLoSocketsAreHostOnly() throws IOException {
    List<HostListener> all = SsListeningReader.read(capture("namespace-listeners.txt"), "s");

    HostListener resolver = at(all, "127.0.0.53%lo:53/udp");
    assertThat(resolver.device()).contains("lo");
    assertThat(resolver.loopbackOnly()).isTrue();
    HostListener linkLocal = at(all, "[fe80::1]%veth-a:8443/tcp");
    assertThat(linkLocal.device()).contains("veth-a");
    assertThat(linkLocal.address()).isEqualTo(ip("fe80::1"));
    assertThat(linkLocal.loopbackOnly()).isFalse();
    assertThat(at(all, "[::1]:6379/tcp").loopbackOnly()).isTrue();
    assertThat(at(all, "0.0.0.0:3306/tcp").loopbackOnly()).isFalse();
  }

  @Test
  void anIpv4MappedBindingTakesIpv4ConnectionsToTheEmbeddedAddress() throws IOException {
    HostListener mapped = at(SsListeningReader.read(capture("namespace-listeners.txt"), "s"), "[::ffff:198.51.100.10]:2376/tcp");

    assertThat(mapped.destinations()).containsExactly(ip("198.51.100.10"));
  }

  @Test
  void everyProcessThatHoldsTheSocketIsRead() throws IOException {
    HostListener forked = at(SsListeningReader.read(capture("namespace-listeners.txt"), "s"), "0.0.0.0:80/tcp");

    assertThat(forked.processes()).containsExactly(new ListenerProcess("python3", 6103), new ListenerProcess("python3", 6061));
  }

  @Test
  void withoutRootSsPrintsNoProcessColumn() throws IOException {
    List<HostListener> all = SsListeningReader.read(capture("root-namespace.txt"), "s");

    assertThat(all).isNotEmpty();
    assertThat(all).allSatisfy(l -> assertThat(l.processes()).isEmpty());
  }

  @Test
  void aProcessNameMayHoldSpacesAndCommas() {
    List<HostListener> all = SsListeningReader.read(
        "tcp LISTEN 0 128 127.0.0.1:7000 0.0.0.0:* users:((\"tmux: server, 2\",pid=77,fd=5))\n", "s");

    assertThat(all.getFirst().processes()).containsExactly(new ListenerProcess("tmux: server, 2", 77));
  }

  @Test
  void emptyFileMeansNoListener() {
    assertThat(SsListeningReader.read("", "s")).isEmpty();
    assertThat(SsListeningReader.read("\n\n", "s")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "tcp LISTEN 0 128 0.0.0.0:99999 0.0.0.0:*|ss-listening.txt:2:26: expected a port in 0..65535, found 99999",
    "raw UNCONN 0 0 0.0.0.0:255 0.0.0.0:*|ss-listening.txt:2:1: expected netid tcp or udp",
    "tcp ESTAB 0 0 198.51.100.10:22 198.51.100.7:50000|ss-listening.txt:2:5: expected state LISTEN for tcp",
    "udp LISTEN 0 0 0.0.0.0:53 0.0.0.0:*|ss-listening.txt:2:5: expected state UNCONN for udp",
    "tcp LISTEN 0 128 localhost:22 0.0.0.0:*|ss-listening.txt:2:18: expected the local address and port",
    "tcp LISTEN 0 128 ::1:22 [::]:*|ss-listening.txt:2:18: expected the local address and port",
    "tcp LISTEN 0 128 [198.51.100.10]:22 0.0.0.0:*|ss-listening.txt:2:18: expected an IPv6 address in brackets",
    "tcp LISTEN 0 128 10.1:22 0.0.0.0:*|ss-listening.txt:2:18: expected",
    "tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* ino:1234|ss-listening.txt:2:39: expected the process column",
    "tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:((sshd,pid=1,fd=3))|ss-listening.txt:2:46: expected (\"name\",pid=N,fd=N)",
    "Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process|ss-listening.txt:2:1: expected a socket line",
  })
  void aBadLineIsReportedWithFileLineAndColumn(String bad, String expected) {
    String text = "tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*\n" + bad + "\n";

    assertThatThrownBy(() -> SsListeningReader.read(text, "ss-listening.txt"))
        .isInstanceOf(InputProblem.class)
        .hasMessageStartingWith(expected);
  }
}
