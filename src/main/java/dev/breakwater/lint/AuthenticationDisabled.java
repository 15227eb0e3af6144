package dev.breakwater.lint;

import dev.breakwater.compose.PortEntry;
import dev.breakwater.compose.Publications;
import dev.breakwater.compose.Scalar;
import dev.breakwater.compose.Service;

import dev.breakwater.catalog.DataStores;
import dev.breakwater.catalog.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

@RuleInfo(
    id = "BW005",
    name = "AuthenticationDisabled",
    summary = "A data store runs without authentication (empty or trusted logins, no password, security plugin off).",
    severity = Severity.CRITICAL,
    why = """
        A firewall mistake, a wrong publication or another compromised container then becomes
        full access to the data. Flagged: `MYSQL_ALLOW_EMPTY_PASSWORD` / `MARIADB_ALLOW_EMPTY_ROOT_PASSWORD`,
        `POSTGRES_HOST_AUTH_METHOD=trust`, Bitnami's `ALLOW_EMPTY_PASSWORD=yes`, Redis / Valkey /
        KeyDB without `--requirepass` or a configuration file, MongoDB without
        `MONGO_INITDB_ROOT_USERNAME`/`PASSWORD`, Elasticsearch with `xpack.security.enabled=false`,
        OpenSearch with its security plugin disabled, Neo4j with `NEO4J_AUTH=none`, Bitnami's
        `ALLOW_NONE_AUTHENTICATION=yes` (etcd) and `ALLOW_ANONYMOUS_LOGIN=yes` (ZooKeeper).
        Critical when the data store is also published beyond loopback or on the host network,
        high otherwise.""",
    fix = """
        Set a strong password from a secret (`MYSQL_ROOT_PASSWORD_FILE=/run/secrets/db_root`,
        `command: redis-server --requirepass "$${REDIS_PASSWORD}"`,
        `MONGO_INITDB_ROOT_USERNAME` and `MONGO_INITDB_ROOT_PASSWORD_FILE`), and keep security
        enabled in Elasticsearch / OpenSearch.""")
final class AuthenticationDisabled implements LintRule {
  @Override
  public List<LintFinding> check(Service service) {
    List<LintFinding> out = new ArrayList<>();
    Map<String, Scalar> env = service.environment();
    Severity severity = exposed(service) ? Severity.CRITICAL : Severity.HIGH;
    String who = "'" + service.name() + "'";
    for (String key : List.of("MYSQL_ALLOW_EMPTY_PASSWORD", "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD",
        "MARIADB_ALLOW_EMPTY_PASSWORD")) {
      Scalar v = env.get(key);
      if (v != null && truthy(v.value())) {
        out.add(LintFinding.of(this, severity, who + " allows a root login without password (" + key
            + "); set MYSQL_ROOT_PASSWORD_FILE from a secret instead", service, v));
      }
    }
    Scalar pgAuth = env.get("POSTGRES_HOST_AUTH_METHOD");
    if (pgAuth != null && pgAuth.value().trim().equalsIgnoreCase("trust")) {
      out.add(LintFinding.of(this, severity, who + " lets any client log in as any user without a password "
          + "(POSTGRES_HOST_AUTH_METHOD=trust); remove it and set POSTGRES_PASSWORD_FILE", service, pgAuth));
    }
    Scalar empty = env.get("ALLOW_EMPTY_PASSWORD");
    if (empty != null && truthy(empty.value())) {
      out.add(LintFinding.of(this, severity, who + " runs without a password (ALLOW_EMPTY_PASSWORD="
          + empty.value() + "); set the image's password variable from a secret", service, empty));
    }
    for (String key : List.of("xpack.security.enabled", "XPACK_SECURITY_ENABLED")) {
      Scalar v = env.get(key);
      if (v != null && v.value().trim().equalsIgnoreCase("false")) {
        out.add(LintFinding.of(this, severity, who + " disables Elasticsearch security (" + key
            + "=false): no authentication, no TLS", service, v));
      }
    }
    for (String key : List.of("plugins.security.disabled", "DISABLE_SECURITY_PLUGIN")) {
      Scalar v = env.get(key);
      if (v != null && v.value().trim().equalsIgnoreCase("true")) {
        out.add(LintFinding.of(this, severity, who + " disables the OpenSearch security plugin (" + key
            + "=true)", service, v));
      }
    }
    // Bitnami's images refuse to start without credentials unless told to allow anonymous access.
    for (String key : List.of("ALLOW_NONE_AUTHENTICATION", "ALLOW_ANONYMOUS_LOGIN")) {
      Scalar v = env.get(key);
      if (v != null && v.value().trim().equalsIgnoreCase("yes")) {
        out.add(LintFinding.of(this, severity, who + " accepts clients without authentication (" + key
            + "=" + v.value().trim() + "); configure credentials from a secret instead", service, v));
      }
    }
    Scalar neo4jAuth = env.get("NEO4J_AUTH");
    if (neo4jAuth != null && neo4jAuth.value().trim().equalsIgnoreCase("none")) {
      out.add(LintFinding.of(this, severity, who + " disables Neo4j authentication (NEO4J_AUTH=none); "
          + "set NEO4J_AUTH_FILE from a secret", service, neo4jAuth));
    }
    Optional<DataStores.Kind> kind = service.image().flatMap(i -> DataStores.identify(i.value(), -1));
    String kindName = kind.map(DataStores.Kind::name).orElse("");
    if ((kindName.equals("Redis") || kindName.equals("Valkey") || kindName.equals("KeyDB")) && !redisAuthenticated(service)) {
      out.add(LintFinding.of(this, severity, who + " runs " + kindName + " without a password: add "
          + "'--requirepass' to the command or start it with a configuration file that sets requirepass",
          service, service.image().orElseThrow()));
    }
    if (kindName.equals("MongoDB") && !hasAny(env, "MONGO_INITDB_ROOT_USERNAME", "MONGO_INITDB_ROOT_USERNAME_FILE", "MONGODB_ROOT_PASSWORD", "MONGODB_ROOT_PASSWORD_FILE")
        && !service.commandLine().contains("--auth")) {
      out.add(LintFinding.of(this, severity, who + " runs MongoDB without root credentials, so it accepts "
          + "unauthenticated clients; set MONGO_INITDB_ROOT_USERNAME and MONGO_INITDB_ROOT_PASSWORD_FILE",
          service, service.image().orElseThrow()));
    }
    return out;
  }

  private static boolean redisAuthenticated(Service service) {
    String cmd = service.commandLine();
    if (cmd.contains("--requirepass") || cmd.contains("--aclfile") || cmd.matches("(?s).*\\S+\\.conf\\b.*")) {
      return true;
    }
    return hasAny(service.environment(), "REDIS_PASSWORD", "REDIS_PASSWORD_FILE", "VALKEY_PASSWORD",
        "VALKEY_PASSWORD_FILE", "KEYDB_PASSWORD", "REDIS_ARGS");
  }

  private static boolean hasAny(Map<String, Scalar> env, String... keys) {
    for (String k : keys) {
      Scalar v = env.get(k);
      if (v != null && (!v.value().isBlank() || v.raw().contains("$"))) {
        return true;
      }
    }
    return false;
  }

  /** The images treat any non-empty value as yes; "no", "false" and "0" read as intended. */
  private static boolean truthy(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    return !v.isEmpty() && !v.equals("no") && !v.equals("false") && !v.equals("0");
  }

  private static boolean exposed(Service service) {
    if (service.hostNetwork()) {
      return true;
    }
    for (PortEntry p : service.ports()) {
      if (Publications.effectiveBinding(service, p).reachableFromEverywhere()) {
        return true;
      }
    }
    return false;
  }
}
