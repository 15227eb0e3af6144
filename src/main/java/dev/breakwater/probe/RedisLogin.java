package dev.breakwater.probe;

import dev.breakwater.catalog.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Redis with a login, through Jedis: {@code ACL LIST} (Redis 6+) for enabled users without a
 * password ({@code on ... nopass}), {@code CONFIG GET requirepass} where there is no ACL, and
 * {@code CONFIG GET protected-mode}. The password {@code CONFIG GET requirepass} returns is only
 * tested for being empty, never printed. Either command may be renamed away or denied to the
 * user: that is a note, not a failure. See https://redis.io/docs/latest/commands/acl-list/ and
 * https://redis.io/docs/latest/operate/oss_and_stack/management/security/#protected-mode
 */
final class RedisLogin {
  private RedisLogin() {}

  static List<ServiceFinding> check(Endpoint endpoint, Login login, Duration timeout) {
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis((int) timeout.toMillis()).socketTimeoutMillis((int) timeout.toMillis())
        .clientName("breakwater-probe");
    if (!login.password().isEmpty()) {
      // A user without a password is Redis's 'default' user, which needs no AUTH at all.
      config.user(login.user()).password(login.password());
    }
    List<ServiceFinding> out = new ArrayList<>();
    try (Jedis j = new Jedis(new HostAndPort(endpoint.address().getHostAddress(), endpoint.port()), config.build())) {
      j.ping();
      List<String> acl = null;
      try {
        acl = j.aclList();
      } catch (JedisDataException e) {
        out.add(note(endpoint, "ACL LIST", e));
      }
      if (acl != null) {
        out.addAll(aclFindings(endpoint, acl));
      } else {
        try {
          Map<String, String> pass = j.configGet("requirepass");
          if (pass.getOrDefault("requirepass", "").isEmpty()) {
            out.add(LoginChecks.found(endpoint, "redis", Severity.CRITICAL,
                "requirepass is empty: every client is served without AUTH", "CONFIG SET requirepass <a long random password>, and in redis.conf"));
          }
        } catch (JedisDataException e) {
          out.add(note(endpoint, "CONFIG GET requirepass", e));
        }
      }
      try {
        String mode = j.configGet("protected-mode").getOrDefault("protected-mode", "");
        if (mode.equalsIgnoreCase("no")) {
          out.add(LoginChecks.found(endpoint, "redis", Severity.LOW,
              "protected-mode is off: should the default user ever lose its password, outside clients are served at once",
              "protected-mode yes in redis.conf (CONFIG SET protected-mode yes)"));
        }
      } catch (JedisDataException e) {
        out.add(note(endpoint, "CONFIG GET protected-mode", e));
      }
    }
    if (out.isEmpty()) {
      out.add(LoginChecks.found(endpoint, "redis", Severity.INFO,
          "logged in as '" + Printable.plain(login.user()) + "': every enabled ACL user has a password and protected-mode is on", ""));
    }
    return out;
  }

  /** ACL LIST lines: {@code user NAME on|off [nopass] [#hash|>pass]... rules}. */
  static List<ServiceFinding> aclFindings(Endpoint endpoint, List<String> acl) {
    List<ServiceFinding> out = new ArrayList<>();
    for (String line : acl) {
      List<String> words = List.of(line.trim().split("\\s+"));
      if (words.size() < 3 || !words.get(0).equals("user")) {
        continue;
      }
      String name = Printable.plain(words.get(1));
      if (words.contains("on") && words.contains("nopass")) {
        boolean isDefault = name.equals("default");
        out.add(LoginChecks.found(endpoint, "redis", isDefault ? Severity.CRITICAL : Severity.HIGH,
            "ACL user '" + name + "' is on with nopass: " + (isDefault
                ? "every client that connects is '" + name + "' without AUTH"
                : "anyone who knows the name logs in as '" + name + "' with any password")
                + (words.contains("+@all") ? ", with every command (+@all)" : ""),
            "ACL SETUSER " + name + " resetpass ><a long random password> (or off), then ACL SAVE or CONFIG REWRITE"));
      }
    }
    return out;
  }

  private static ServiceFinding note(Endpoint endpoint, String command, JedisDataException e) {
    return LoginChecks.found(endpoint, "redis", Severity.INFO,
        command + " was refused, so it was not checked (" + Printable.excerpt(Printable.plain(String.valueOf(e.getMessage()))) + ")",
        "log in as a user allowed " + command + " to check it");
  }
}
