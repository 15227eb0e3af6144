package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.catalog.Severity;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("lab")
class RedisLoginLabTest {
  private static final String REDIS = "/usr/bin/redis-server";

  @Test
  void aLoginFindsAnAclUserWithoutPasswordAndProtectedModeOff() throws Exception {
    LocalServer.assumeRootAnd(REDIS);
    try (LocalServer s = LocalServer.prepare("redis")) {
      // default has a password; 'cache' is on with nopass: anyone naming it gets in.
      s.file("users.acl", "user default on >a-long-test-password ~* &* +@all\nuser cache on nopass ~cache:* +get\n");
      s.start(List.of(REDIS, "--port", String.valueOf(s.port), "--bind", "127.0.0.1", "--save", "",
          "--appendonly", "no", "--dir", s.dir.toString(), "--protected-mode", "no",
          "--aclfile", s.dir.resolve("users.acl").toString()));
      List<ServiceFinding> f = ProbeRun.withLogin(s.port, "redis", "default", "a-long-test-password");
      assertThat(f.getFirst().access()).isEqualTo(Access.AUTH_REQUIRED);
      assertThat(f).anySatisfy(x -> {
        assertThat(x.summary()).contains("'cache'", "nopass");
        assertThat(x.severity()).isEqualTo(Severity.HIGH);
      });
      assertThat(f).anySatisfy(x -> assertThat(x.summary()).contains("protected-mode is off"));
      assertThat(f).noneMatch(x -> x.summary().contains("'default' is on with nopass"));
      assertThat(f).noneMatch(x -> x.summary().contains("a-long-test-password"));
    }
  }

  @Test
  void aLoginToARedisWithoutPasswordFindsTheDefaultUserOpen() throws Exception {
    LocalServer.assumeRootAnd(REDIS);
    try (LocalServer s = LocalServer.prepare("redis")) {
      s.start(List.of(REDIS, "--port", String.valueOf(s.port), "--bind", "127.0.0.1", "--save", "",
          "--appendonly", "no", "--dir", s.dir.toString()));
      List<ServiceFinding> f = ProbeRun.withLogin(s.port, "redis", "default", "");
      assertThat(f).anySatisfy(x -> {
        assertThat(x.access()).isEqualTo(Access.LOGGED_IN);
        assertThat(x.summary()).contains("'default' is on with nopass");
        assertThat(x.severity()).isEqualTo(Severity.CRITICAL);
      });
    }
  }
}
