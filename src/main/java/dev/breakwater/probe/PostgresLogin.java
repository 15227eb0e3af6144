package dev.breakwater.probe;

import dev.breakwater.catalog.Severity;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * PostgreSQL with a login, through pgJDBC: the pg_hba.conf lines that let network clients in by
 * {@code trust} (no password) or {@code password} (the password in clear on the wire), read from
 * the {@code pg_hba_file_rules} view (PostgreSQL 10+, superusers only by default: another role
 * gets a note instead), and the superuser roles that can log in.
 * See https://www.postgresql.org/docs/current/view-pg-hba-file-rules.html and
 * https://www.postgresql.org/docs/current/auth-pg-hba-conf.html
 */
final class PostgresLogin {
  private static final String INSUFFICIENT_PRIVILEGE = "42501";
  private static final Set<String> NETWORK_TYPES = Set.of("host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc");

  private PostgresLogin() {}

  /** One pg_hba.conf line as the view shows it. */
  record HbaRule(int line, String type, String databases, String users, String address, String netmask, String method) {}

  static List<ServiceFinding> check(Endpoint endpoint, Login login, Duration timeout) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", login.user());
    p.setProperty("password", login.password());
    long seconds = Math.max(1, timeout.toSeconds());
    p.setProperty("connectTimeout", String.valueOf(seconds));
    p.setProperty("loginTimeout", String.valueOf(seconds));
    p.setProperty("socketTimeout", String.valueOf(seconds));
    p.setProperty("ApplicationName", "breakwater-probe");
    String url = "jdbc:postgresql://" + LoginChecks.urlHost(endpoint) + ":" + endpoint.port() + "/postgres";
    List<ServiceFinding> out = new ArrayList<>();
    try (Connection c = new org.postgresql.Driver().connect(url, p); Statement s = c.createStatement()) {
      List<HbaRule> rules = new ArrayList<>();
      try (ResultSet r = s.executeQuery("SELECT line_number, type, array_to_string(database, ','), "
          + "array_to_string(user_name, ','), address, netmask, auth_method FROM pg_hba_file_rules WHERE error IS NULL")) {
        while (r.next()) {
          rules.add(new HbaRule(r.getInt(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
              r.getString(6), r.getString(7)));
        }
        out.addAll(hbaFindings(endpoint, rules));
      } catch (SQLException e) {
        if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState()) && !"42P01".equals(e.getSQLState())) {
          throw e;
        }
        out.add(LoginChecks.found(endpoint, "postgresql", Severity.INFO,
            "pg_hba.conf was not checked: role '" + Printable.plain(login.user()) + "' may not read pg_hba_file_rules ("
                + Printable.excerpt(Printable.plain(String.valueOf(e.getMessage()))) + ")",
            "log in as a superuser (or GRANT SELECT ON pg_hba_file_rules TO the role) to check it"));
      }
      List<String> superusers = new ArrayList<>();
      try (ResultSet r = s.executeQuery("SELECT rolname FROM pg_roles WHERE rolsuper AND rolcanlogin ORDER BY rolname")) {
        while (r.next()) {
          superusers.add(Printable.plain(r.getString(1)));
        }
      }
      if (!superusers.isEmpty()) {
        out.add(LoginChecks.found(endpoint, "postgresql", Severity.LOW,
            "superuser role(s) that can log in: " + String.join(", ", superusers)
                + "; whoever guesses or steals one's password, where pg_hba.conf lets it in from the network, owns the cluster"
                + " (and can run programs as the server's user: COPY ... FROM PROGRAM)",
            "give applications ordinary roles; let superusers in only by 'local ... peer' lines in pg_hba.conf"));
      }
    }
    return out;
  }

  static List<ServiceFinding> hbaFindings(Endpoint endpoint, List<HbaRule> rules) {
    List<ServiceFinding> out = new ArrayList<>();
    for (HbaRule r : rules) {
      if (!NETWORK_TYPES.contains(r.type()) || isLoopback(r)) {
        continue;
      }
      String from = r.address() == null || r.address().equals("all") ? "every address" : Printable.plain(r.address() + (r.netmask() == null ? "" : "/" + r.netmask()));
      String who = "database(s) " + Printable.plain(r.databases()) + " as user(s) " + Printable.plain(r.users());
      if ("trust".equals(r.method())) {
        out.add(LoginChecks.found(endpoint, "postgresql", Severity.CRITICAL,
            "pg_hba.conf line " + r.line() + " trusts " + r.type() + " clients from " + from + ": they log in to " + who
                + " without a password",
            "change line " + r.line() + " of pg_hba.conf to scram-sha-256 (or remove it), then SELECT pg_reload_conf()"));
      } else if ("password".equals(r.method())) {
        out.add(LoginChecks.found(endpoint, "postgresql", "hostssl".equals(r.type()) ? Severity.LOW : Severity.MEDIUM,
            "pg_hba.conf line " + r.line() + " takes passwords in clear from " + from + " (" + who + ")"
                + ("hostssl".equals(r.type()) ? ", inside TLS" : ": anyone on the path reads them"),
            "change line " + r.line() + " of pg_hba.conf to scram-sha-256 and set the passwords again"));
      }
    }
    return out;
  }

  /** 127.0.0.0/8 and ::1 only: the one network no stranger is on. */
  static boolean isLoopback(HbaRule r) {
    String a = r.address();
    if (a == null) {
      return false;
    }
    return a.startsWith("127.") && (r.netmask() == null || r.netmask().startsWith("255."))
        || a.equals("::1") && (r.netmask() == null || r.netmask().equals("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
  }
}
