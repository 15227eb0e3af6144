package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.catalog.Severity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("lab")
class MySqlCheckLabTest {
  private static final String INSTALL_DB = "/usr/bin/mariadb-install-db";
  private static final String MARIADBD = "/usr/sbin/mariadbd";

  /**
   * A MariaDB whose root accounts have an empty password ('normal' root authentication, the
   * pre-10.4 default), optionally given a password by an init file, as an operator would.
   */
  private static LocalServer mariadb(String rootPassword) throws Exception {
    return mariadb(rootPassword, "");
  }

  private static LocalServer mariadb(String rootPassword, String moreSql) throws Exception {
    LocalServer s = LocalServer.prepare("mariadb");
    try {
      String data = s.dir.resolve("data").toString();
      s.runToCompletion(List.of(INSTALL_DB, "--user=root", "--datadir=" + data,
          "--auth-root-authentication-method=normal", "--skip-test-db", "--no-defaults"));
      List<String> cmd = new ArrayList<>(List.of(MARIADBD, "--no-defaults", "--user=root",
          "--datadir=" + data, "--port=" + s.port, "--bind-address=127.0.0.1",
          "--socket=" + s.dir.resolve("mysqld.sock"), "--pid-file=" + s.dir.resolve("mysqld.pid"),
          "--skip-name-resolve", "--innodb-buffer-pool-size=16M"));
      if (rootPassword != null || !moreSql.isEmpty()) {
        StringBuilder sql = new StringBuilder();
        for (String host : rootPassword == null ? List.<String>of() : List.of("localhost", "127.0.0.1", "::1", "%")) {
          sql.append("ALTER USER IF EXISTS 'root'@'").append(host).append("' IDENTIFIED BY '")
              .append(rootPassword).append("';\n");
        }
        sql.append(moreSql);
        cmd.add("--init-file=" + s.file("init.sql", sql.toString()));
      }
      return s.start(cmd);
    } catch (Exception | AssertionError e) {
      s.close();
      throw e;
    }
  }

  @Test
  void rootWithAnEmptyPasswordIsFoundWhenDefaultCredentialsAreTried() throws Exception {
    LocalServer.assumeRootAnd(INSTALL_DB, MARIADBD);
    try (LocalServer s = mariadb(null)) {
      ServiceFinding f = ProbeRun.onlyFinding(ProbeRun.loopback(s.port, "mysql", true)).orElseThrow();
      assertThat(f.access()).isEqualTo(Access.DEFAULT_CREDENTIALS);
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.version()).containsIgnoringCase("mariadb");

      // Without --try-default-credentials the probe only reads the greeting: no login attempt.
      ServiceFinding greetingOnly = ProbeRun.onlyFinding(ProbeRun.loopback(s.port, "mysql", false)).orElseThrow();
      assertThat(greetingOnly.access()).isEqualTo(Access.UNTESTED);
      assertThat(greetingOnly.version()).isEqualTo(f.version());
    }
  }

  @Test
  void rootWithAPasswordIsNotFlaggedAsOpen() throws Exception {
    LocalServer.assumeRootAnd(INSTALL_DB, MARIADBD);
    try (LocalServer s = mariadb("a-long-test-password")) {
      ServiceFinding f = ProbeRun.onlyFinding(ProbeRun.loopback(s.port, "mysql", true)).orElseThrow();
      assertThat(f.access()).isEqualTo(Access.AUTH_REQUIRED);
      assertThat(f.summary()).contains("Access denied");
      assertThat(f.severity()).isLessThan(Severity.HIGH);
    }
  }

  @Test
  void aLoginListsTheAccountsOpenToEveryAddressAndThoseWithoutPassword() throws Exception {
    LocalServer.assumeRootAnd(INSTALL_DB, MARIADBD);
    String accounts = "CREATE USER 'app'@'%' IDENTIFIED BY 'app-password';\n"
        + "CREATE USER 'admin'@'%' IDENTIFIED BY 'admin-password';\n"
        + "GRANT ALL PRIVILEGES ON *.* TO 'admin'@'%';\n"
        + "CREATE USER 'guest'@'%';\n"
        + "CREATE USER 'report'@'198.51.100.7' IDENTIFIED BY 'report-password';\n";
    try (LocalServer s = mariadb("a-long-test-password", accounts)) {
      List<ServiceFinding> f = ProbeRun.withLogin(s.port, "mysql", "root", "a-long-test-password");
      // The anonymous greeting first, then one finding per account a stranger could use.
      assertThat(f.getFirst().access()).isEqualTo(Access.UNTESTED);
      List<ServiceFinding> logged = f.subList(1, f.size());
      assertThat(logged).allMatch(x -> x.access() == Access.LOGGED_IN);
      assertThat(logged).anySatisfy(x -> {
        assertThat(x.summary()).contains("'guest'@'%'", "no password");
        assertThat(x.severity()).isEqualTo(Severity.CRITICAL);
      });
      assertThat(logged).anySatisfy(x -> {
        assertThat(x.summary()).contains("'admin'@'%'", "SUPER");
        assertThat(x.severity()).isEqualTo(Severity.HIGH);
      });
      assertThat(logged).anySatisfy(x -> {
        assertThat(x.summary()).contains("'app'@'%'");
        assertThat(x.severity()).isEqualTo(Severity.MEDIUM);
      });
      assertThat(logged).noneMatch(x -> x.summary().contains("'report'"));
      // mariadb.sys has no password but is locked: nobody logs in as it.
      assertThat(logged).noneMatch(x -> x.summary().contains("mariadb.sys"));

      // A wrong password is one finding that says the login failed, not a crash.
      List<ServiceFinding> wrong = ProbeRun.withLogin(s.port, "mysql", "root", "not-the-password");
      assertThat(wrong.getLast().access()).isEqualTo(Access.REFUSED);
      assertThat(wrong.getLast().summary()).contains("failed");
    }
  }
}
