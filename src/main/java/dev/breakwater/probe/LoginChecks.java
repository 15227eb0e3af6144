package dev.breakwater.probe;

import dev.breakwater.catalog.Severity;
import java.time.Duration;
import java.util.List;

/**
 * The logged-in checks, one per data store, each through the server's official client:
 * MariaDB Connector/J, pgJDBC, Jedis and the MongoDB Java driver. This class is the only door to
 * them, and {@link Prober} opens it only for a service that has a {@link Login}: the JVM loads a
 * class when code first uses it, so a probe without {@code --login} never loads a driver.
 */
final class LoginChecks {
  private LoginChecks() {}

  /** What a login to {@code service} at {@code endpoint} showed; a failed login is one finding. */
  static List<ServiceFinding> run(String service, Endpoint endpoint, Login login, Duration timeout) {
    try {
      return switch (service) {
        case "mysql" -> MySqlLogin.check(endpoint, login, timeout);
        case "postgresql" -> PostgresLogin.check(endpoint, login, timeout);
        case "redis" -> RedisLogin.check(endpoint, login, timeout);
        case "mongodb" -> MongoLogin.check(endpoint, login, timeout);
        default -> List.of();
      };
    } catch (Exception e) {
      // Drivers report a refused login, a timeout and a protocol error all as exceptions; each is
      // a fact about this server and this login, not a crash of the probe.
      return List.of(notLoggedIn(endpoint, service, login, e));
    }
  }

  static ServiceFinding notLoggedIn(Endpoint endpoint, String service, Login login, Exception e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new ServiceFinding(endpoint, service, Access.REFUSED, Severity.INFO, "",
        "the login as '" + Printable.plain(login.user()) + "' (" + login.source() + ") to " + endpoint
            + " failed, so what it may do was not checked: " + Printable.excerpt(Printable.plain(why)),
        "check the user name and password given with --login or --login-file");
  }

  /** A finding of a logged-in check. */
  static ServiceFinding found(Endpoint endpoint, String service, Severity severity, String summary, String fix) {
    return new ServiceFinding(endpoint, service, Access.LOGGED_IN, severity, "", summary, fix);
  }

  /** A host written for a JDBC URL: IPv6 literals in brackets. */
  static String urlHost(Endpoint endpoint) {
    String h = endpoint.address().getHostAddress();
    return h.contains(":") ? "[" + h.replaceFirst("%.*", "") + "]" : h;
  }
}
