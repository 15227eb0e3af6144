package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.catalog.Severity;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("lab")
class RedisCheckLabTest {
  private static final String REDIS = "/usr/bin/redis-server";

  private static List<String> redis(LocalServer s, String... extra) {
    List<String> cmd = new java.util.ArrayList<>(List.of(REDIS, "--port", String.valueOf(s.port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", s.dir.toString()));
    cmd.addAll(List.of(extra));
    return cmd;
  }

  @Test
  void aRedisWithoutPasswordIsFoundOpenAndCritical() throws Exception {
    LocalServer.assumeRootAnd(REDIS);
    try (LocalServer s = LocalServer.prepare("redis")) {
      s.start(redis(s));
      ServiceFinding f = ProbeRun.onlyFinding(ProbeRun.loopback(s.port, "redis", false)).orElseThrow();
      assertThat(f.access()).isEqualTo(Access.NO_AUTH);
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.version()).matches("\\d+\\.\\d+.*");
      assertThat(f.fix()).contains("requirepass");
    }
  }

  @Test
  void aRedisWithRequirepassIsNotFlaggedAsOpen() throws Exception {
    LocalServer.assumeRootAnd(REDIS);
    try (LocalServer s = LocalServer.prepare("redis")) {
      s.start(redis(s, "--requirepass", "a-long-test-password"));
      ServiceFinding f = ProbeRun.onlyFinding(ProbeRun.loopback(s.port, "redis", false)).orElseThrow();
      assertThat(f.access()).isEqualTo(Access.AUTH_REQUIRED);
      assertThat(f.severity()).isLessThan(Severity.HIGH);
    }
  }
}
