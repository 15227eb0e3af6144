package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.catalog.Severity;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("lab")
class MemcachedCheckLabTest {
  private static final String MEMCACHED = "/usr/bin/memcached";

  private static List<String> memcached(LocalServer s, String listen, String... extra) {
    List<String> cmd = new java.util.ArrayList<>(List.of(MEMCACHED, "-u", "nobody", "-l", listen,
        "-p", String.valueOf(s.port), "-U", "0"));
    cmd.addAll(List.of(extra));
    return cmd;
  }

  @Test
  void anOpenMemcachedIsFoundAndCritical() throws Exception {
    LocalServer.assumeRootAnd(MEMCACHED);
    try (LocalServer s = LocalServer.prepare("memcached")) {
      s.start(memcached(s, "127.0.0.1"));
      ServiceFinding f = ProbeRun.onlyFinding(ProbeRun.loopback(s.port, "memcached", false)).orElseThrow();
      assertThat(f.access()).isEqualTo(Access.NO_AUTH);
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.version()).matches("\\d+\\.\\d+.*");
    }
  }

  @Test
  void aMemcachedThatRequiresAuthenticationIsNotFlaggedAsOpen() throws Exception {
    LocalServer.assumeRootAnd(MEMCACHED);
    try (LocalServer s = LocalServer.prepare("memcached")) {
      var auth = s.file("auth", "breakwater:a-long-test-password\n");
      s.start(memcached(s, "127.0.0.1", "-Y", auth.toString()));
      ServiceFinding f = ProbeRun.onlyFinding(ProbeRun.loopback(s.port, "memcached", false)).orElseThrow();
      assertThat(f.access()).isEqualTo(Access.AUTH_REQUIRED);
      assertThat(f.access().strangerGetsIn()).isFalse();
    }
  }

  @Test
  void aMemcachedListeningOnAnotherAddressIsNotReachedAtAll() throws Exception {
    LocalServer.assumeRootAnd(MEMCACHED);
    try (LocalServer s = LocalServer.prepare("memcached")) {
      // 127.0.0.2 is loopback too, so the server runs; a probe of 127.0.0.1 must not reach it.
      s.start(memcached(s, "127.0.0.2"), "127.0.0.2");
      ProbeReport report = ProbeRun.loopback(s.port, "memcached", false);
      assertThat(report.findings()).isEmpty();
      assertThat(report.results()).singleElement().extracting(PortResult::state).isEqualTo(PortState.CLOSED);
    }
  }
}
