package dev.breakwater.probe;

import dev.breakwater.catalog.Severity;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * MySQL/MariaDB with a login, through MariaDB Connector/J: the accounts in {@code mysql.user}
 * that accept logins from every address ({@code Host '%'}) or a wide pattern, that have no
 * password, or that hold SUPER; locked accounts (MySQL 5.7+, MariaDB 10.4+) take no login and are left out. An account can only be read with SELECT on mysql.user; without
 * it the check reports the login's own account ({@code CURRENT_USER()}, {@code SHOW GRANTS}).
 * See https://mariadb.com/kb/en/mysql-user-table/ and
 * https://dev.mysql.com/doc/refman/8.0/en/account-names.html (a Host '' means '%').
 */
final class MySqlLogin {
  /** Plugins that take no password from the network, so an empty authentication_string is no hole. */
  private static final Set<String> NOT_BY_PASSWORD = Set.of("unix_socket", "auth_socket", "mysql_no_login", "gssapi", "pam");

  private MySqlLogin() {}

  record Account(String user, String host, boolean noPassword, boolean superuser) {
    String name() {
      return "'" + Printable.plain(user) + "'@'" + Printable.plain(host) + "'";
    }
  }

  static List<ServiceFinding> check(Endpoint endpoint, Login login, Duration timeout) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", login.user());
    p.setProperty("password", login.password());
    p.setProperty("connectTimeout", String.valueOf(timeout.toMillis()));
    p.setProperty("socketTimeout", String.valueOf(timeout.toMillis()));
    // The driver class itself, not DriverManager: DriverManager would load every JDBC driver on
    // the class path to find this one.
    String url = "jdbc:mariadb://" + LoginChecks.urlHost(endpoint) + ":" + endpoint.port() + "/";
    try (Connection c = new org.mariadb.jdbc.Driver().connect(url, p); Statement s = c.createStatement()) {
      s.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
      List<Account> accounts = new ArrayList<>();
      Set<String> locked = locked(s);
      try (ResultSet r = s.executeQuery("SELECT User, Host, plugin, authentication_string, Super_priv FROM mysql.user")) {
        while (r.next()) {
          if (locked.contains(r.getString(1) + "@" + r.getString(2))) {
            continue;
          }
          String plugin = String.valueOf(r.getString(3)).toLowerCase(Locale.ROOT);
          String auth = r.getString(4);
          accounts.add(new Account(r.getString(1), r.getString(2),
              (auth == null || auth.isEmpty()) && !NOT_BY_PASSWORD.contains(plugin), "Y".equalsIgnoreCase(r.getString(5))));
        }
      } catch (SQLException denied) {
        return List.of(ownAccountOnly(endpoint, login, s, denied));
      }
      return findings(endpoint, login, accounts);
    }
  }

  static List<ServiceFinding> findings(Endpoint endpoint, Login login, List<Account> accounts) {
    List<ServiceFinding> out = new ArrayList<>();
    for (Account a : accounts) {
      String wide = wideness(a.host());
      String name = a.name();
      if (a.noPassword()) {
        out.add(LoginChecks.found(endpoint, "mysql", wide.isEmpty() ? Severity.LOW : Severity.CRITICAL,
            "account " + name + " has no password" + (wide.isEmpty() ? " (logins only from " + Printable.plain(a.host()) + ")"
                : ": anyone who reaches " + endpoint + " from " + wide + " logs in as '" + Printable.plain(a.user()) + "'"),
            "ALTER USER " + name + " IDENTIFIED BY '<a long random password>'; or DROP USER " + name + ";"));
      } else if (!wide.isEmpty()) {
        out.add(LoginChecks.found(endpoint, "mysql", a.superuser() ? Severity.HIGH : Severity.MEDIUM,
            "account " + name + " accepts logins from " + wide
                + (a.superuser() ? " and has SUPER: whoever guesses or steals its password owns the server"
                    : ": whoever guesses or steals its password gets in from anywhere"),
            "RENAME USER " + name + " TO '" + Printable.plain(a.user()) + "'@'<the application's address>';"
                + (a.superuser() ? " and REVOKE SUPER, or ALL, from remote accounts;" : "")));
      }
    }
    if (out.isEmpty()) {
      out.add(LoginChecks.found(endpoint, "mysql", Severity.INFO,
          "logged in as '" + Printable.plain(login.user()) + "': none of the " + accounts.size()
              + " accounts in mysql.user accepts logins from every address or lacks a password", ""));
    }
    return out;
  }

  /**
   * How wide a Host column is, in words, or empty for a single host. '%' and '' match every
   * address; other patterns with '%' or '_' match many (10.0.%.%, %.example.org), as does a
   * netmask (198.51.100.0/255.255.255.0).
   */
  static String wideness(String host) {
    if (host == null || host.isEmpty() || host.equals("%")) {
      return "every address (Host '%')";
    }
    if (host.contains("%") || host.contains("_") || host.contains("/")) {
      return "every address matching '" + Printable.plain(host) + "'";
    }
    return "";
  }

  /**
   * The locked accounts as user@host: MySQL has a column (5.7+), MariaDB keeps it in the JSON of
   * mysql.global_priv (10.4+), which its mysql.user view does not show.
   */
  private static Set<String> locked(Statement s) {
    for (String q : List.of("SELECT User, Host FROM mysql.user WHERE account_locked = 'Y'",
        "SELECT User, Host FROM mysql.global_priv WHERE JSON_EXTRACT(Priv, '$.account_locked') = true")) {
      Set<String> out = new java.util.HashSet<>();
      try (ResultSet r = s.executeQuery(q)) {
        while (r.next()) {
          out.add(r.getString(1) + "@" + r.getString(2));
        }
        return out;
      } catch (SQLException notThisServer) {
        // the other server's form, or no privilege: then no account counts as locked
      }
    }
    return Set.of();
  }

  private static ServiceFinding ownAccountOnly(Endpoint endpoint, Login login, Statement s, SQLException denied) throws SQLException {
    String current;
    try (ResultSet r = s.executeQuery("SELECT CURRENT_USER()")) {
      current = r.next() ? r.getString(1) : login.user() + "@?";
    }
    List<String> grants = new ArrayList<>();
    try (ResultSet r = s.executeQuery("SHOW GRANTS")) {
      while (r.next()) {
        grants.add(r.getString(1));
      }
    }
    int at = current.lastIndexOf('@');
    String host = at >= 0 ? current.substring(at + 1) : "";
    String wide = wideness(host);
    boolean all = grants.stream().anyMatch(g -> g.toUpperCase(Locale.ROOT).matches("GRANT (ALL PRIVILEGES|.*\\bSUPER\\b.*) ON \\*\\.\\* .*"));
    String own = "this login's account " + Printable.plain(current) + (wide.isEmpty() ? " is for one host" : " accepts logins from " + wide)
        + (all ? " and holds ALL/SUPER on *.*" : "") + "; the other accounts were not visible ("
        + Printable.excerpt(Printable.plain(String.valueOf(denied.getMessage()))) + ")";
    Severity severity = wide.isEmpty() ? Severity.INFO : all ? Severity.HIGH : Severity.MEDIUM;
    return LoginChecks.found(endpoint, "mysql", severity, own,
        wide.isEmpty() ? "log in as an account with SELECT on mysql.user to check every account"
            : "RENAME USER to the application's address; log in as an account with SELECT on mysql.user to check the others");
  }
}
