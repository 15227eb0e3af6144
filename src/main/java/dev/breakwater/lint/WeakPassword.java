package dev.breakwater.lint;

import dev.breakwater.compose.Scalar;
import dev.breakwater.compose.Service;

import dev.breakwater.catalog.DataStores;
import dev.breakwater.catalog.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@RuleInfo(
    id = "BW006",
    name = "WeakPassword",
    summary = "A password in the environment or command line is a default or well-known value.",
    severity = Severity.HIGH,
    why = """
        `MYSQL_ROOT_PASSWORD: root`, `POSTGRES_PASSWORD: postgres` or `--requirepass changeme`
        are the first guesses of every scanner, and a password written in a compose file or
        script is also in its repository history. Flagged: 123456, password, root, admin,
        secret, changeme, example, test, guest, the image's own name and similar; the password
        half of `NEO4J_AUTH`; MinIO started without `MINIO_ROOT_PASSWORD` (minioadmin).""",
    fix = """
        Generate a long random password, keep it out of the repository and pass it as a secret
        (`MYSQL_ROOT_PASSWORD_FILE: /run/secrets/db_root_password`) or from an untracked `.env`
        (`POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}`).""")
final class WeakPassword implements LintRule {
  private static final Pattern SECRET_KEY = Pattern.compile(
      "(?i).*(PASSWORD|PASSWD|_PASS|_PWD|SECRET|SECRET_KEY|ROOT_PASS)$");
  private static final Pattern REQUIREPASS = Pattern.compile("--requirepass[= ]+(\\S+)");
  private static final Set<String> WEAK = Set.of(
      "123456", "1234567", "12345678", "123456789", "1234", "12345", "111111", "000000",
      "password", "passw0rd", "password1", "p@ssw0rd", "pass", "root", "toor", "admin", "administrator",
      "secret", "changeme", "change_me", "changeit", "example", "test", "testing", "default", "qwerty",
      "letmein", "guest", "user", "demo", "mysql", "mariadb", "postgres", "postgresql", "redis", "mongo",
      "mongodb", "elastic", "rabbitmq", "minioadmin", "neo4j", "sa", "dbpass", "db_password");

  @Override
  public List<LintFinding> check(Service service) {
    List<LintFinding> out = new ArrayList<>();
    String imageName = imageShortName(service);
    for (Map.Entry<String, Scalar> e : service.environment().entrySet()) {
      String key = e.getKey();
      if (key.endsWith("_FILE") || !SECRET_KEY.matcher(key).matches()) {
        continue;
      }
      String value = e.getValue().value().trim();
      if (weak(value, imageName)) {
        out.add(LintFinding.of(this, Severity.HIGH, "'" + service.name() + "' sets " + key
            + " to a well-known value; use a long random secret kept out of the repository",
            service, e.getValue()));
      }
    }
    // NEO4J_AUTH is "user/password"; the image's default is neo4j/neo4j.
    Scalar neo4jAuth = service.environment().get("NEO4J_AUTH");
    if (neo4jAuth != null && neo4jAuth.value().contains("/")
        && weak(neo4jAuth.value().substring(neo4jAuth.value().indexOf('/') + 1), imageName)) {
      out.add(LintFinding.of(this, Severity.HIGH, "'" + service.name()
          + "' sets NEO4J_AUTH to a well-known password; use a long random secret (NEO4J_AUTH_FILE)",
          service, neo4jAuth));
    }
    // MinIO without root credentials starts with the documented minioadmin:minioadmin.
    if (imageName.equals("minio") && !service.environment().keySet().stream().anyMatch(
        k -> k.startsWith("MINIO_ROOT_PASSWORD") || k.startsWith("MINIO_SECRET_KEY"))) {
      out.add(LintFinding.of(this, Severity.HIGH, "'" + service.name() + "' runs MinIO without "
          + "MINIO_ROOT_PASSWORD, so its login is the default minioadmin:minioadmin; set "
          + "MINIO_ROOT_USER and MINIO_ROOT_PASSWORD_FILE", service, service.image().orElseThrow()));
    }
    for (Scalar c : service.command()) {
      Matcher m = REQUIREPASS.matcher(c.value());
      if (m.find() && weak(m.group(1), imageName)) {
        out.add(LintFinding.of(this, Severity.HIGH, "'" + service.name()
            + "' uses a well-known password for --requirepass", service, c));
      }
    }
    for (int i = 0; i + 1 < service.command().size(); i++) {
      if (service.command().get(i).value().equals("--requirepass")
          && weak(service.command().get(i + 1).value(), imageName)) {
        out.add(LintFinding.of(this, Severity.HIGH, "'" + service.name()
            + "' uses a well-known password for --requirepass", service, service.command().get(i + 1)));
      }
    }
    return out;
  }

  static boolean weak(String value, String imageName) {
    String v = unquoted(value.trim()).toLowerCase(Locale.ROOT);
    if (v.isEmpty() || v.startsWith("$")) {
      return false;
    }
    return WEAK.contains(v) || v.equals(imageName) || v.matches("(.)\\1{3,}");
  }

  private static String unquoted(String s) {
    if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '\'') && s.charAt(s.length() - 1) == s.charAt(0)) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  private static String imageShortName(Service service) {
    return service.image().map(i -> DataStores.repositoryName(i.value())).orElse("").toLowerCase(Locale.ROOT);
  }
}
