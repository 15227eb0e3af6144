package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.catalog.Severity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("lab")
class PostgresCheckLabTest {
  // Debian installs one directory per major version (15 on bookworm, 17 on trixie).
  private static final String MAJOR = installedMajor();
  private static final String BIN = "/usr/lib/postgresql/" + MAJOR + "/bin/";

  private static String installedMajor() {
    try (var dirs = java.nio.file.Files.list(java.nio.file.Path.of("/usr/lib/postgresql"))) {
      return dirs.map(d -> d.getFileName().toString()).filter(n -> n.matches("\\d+"))
          .max(java.util.Comparator.comparingInt(Integer::parseInt)).orElse("none");
    } catch (java.io.IOException e) {
      return "none";
    }
  }

  /** initdb and start a cluster as nobody whose pg_hba.conf uses {@code method} for 127.0.0.1. */
  private static LocalServer cluster(String method) throws Exception {
    return cluster("host all all 127.0.0.1/32 " + method + "\n", null);
  }

  /** A cluster with this pg_hba.conf and, when given, a password for 'postgres'. */
  private static LocalServer cluster(String hba, String password) throws Exception {
    LocalServer s = LocalServer.prepare("postgres");
    try {
      String data = s.dir.resolve("data").toString();
      List<String> initdb = new ArrayList<>(LocalServer.AS_NOBODY);
      initdb.addAll(List.of(BIN + "initdb", "-D", data, "-U", "postgres", "--auth=trust"));
      if (password != null) {
        initdb.add("--pwfile=" + s.file("pw", password + "\n"));
      }
      s.runToCompletion(initdb);
      // Overwrite what initdb wrote; nobody owns the file, root writes it.
      java.nio.file.Files.writeString(s.dir.resolve("data/pg_hba.conf"),
          hba);
      List<String> postgres = new ArrayList<>(LocalServer.AS_NOBODY);
      postgres.addAll(List.of(BIN + "postgres", "-D", data, "-p", String.valueOf(s.port),
          "-c", "listen_addresses=127.0.0.1", "-k", s.dir.toString(), "-c", "fsync=off"));
      // It listens before it is ready, and until then turns every client away ("starting up").
      return s.start(postgres).awaitLog("ready to accept connections");
    } catch (Exception | AssertionError e) {
      s.close();
      throw e;
    }
  }

  @Test
  void trustAuthenticationIsFoundOpenAndCritical() throws Exception {
    LocalServer.assumeRootAnd(BIN + "initdb", BIN + "postgres");
    try (LocalServer s = cluster("trust")) {
      ServiceFinding f = ProbeRun.onlyFinding(ProbeRun.loopback(s.port, "postgresql", false)).orElseThrow();
      assertThat(f.access()).isEqualTo(Access.NO_AUTH);
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.version()).startsWith(MAJOR);
      assertThat(f.fix()).contains("scram-sha-256");
    }
  }

  @Test
  void scramAuthenticationIsNotFlaggedAsOpen() throws Exception {
    LocalServer.assumeRootAnd(BIN + "initdb", BIN + "postgres");
    try (LocalServer s = cluster("scram-sha-256")) {
      ServiceFinding f = ProbeRun.onlyFinding(ProbeRun.loopback(s.port, "postgresql", false)).orElseThrow();
      assertThat(f.access()).isEqualTo(Access.AUTH_REQUIRED);
      assertThat(f.summary()).contains("SCRAM");
      assertThat(f.severity()).isLessThan(Severity.HIGH);
    }
  }

  @Test
  void aRejectLineRefusesWithoutAskingAndIsNotFlaggedAsOpen() throws Exception {
    LocalServer.assumeRootAnd(BIN + "initdb", BIN + "postgres");
    try (LocalServer s = cluster("reject")) {
      ServiceFinding f = ProbeRun.onlyFinding(ProbeRun.loopback(s.port, "postgresql", false)).orElseThrow();
      assertThat(f.access()).isEqualTo(Access.REFUSED);
      assertThat(f.summary()).contains("pg_hba.conf");
    }
  }

  @Test
  void aLoginFindsTrustLinesForOutsideAddressesAndTheSuperusers() throws Exception {
    LocalServer.assumeRootAnd(BIN + "initdb", BIN + "postgres");
    String hba = "host all all 127.0.0.1/32 scram-sha-256\n"
        + "host all all 198.51.100.0/24 trust\n"
        + "host app app 198.18.0.0/15 password\n";
    try (LocalServer s = cluster(hba, "a-long-test-password")) {
      List<ServiceFinding> f = ProbeRun.withLogin(s.port, "postgresql", "postgres", "a-long-test-password");
      assertThat(f.getFirst().access()).isEqualTo(Access.AUTH_REQUIRED);
      assertThat(f).anySatisfy(x -> {
        assertThat(x.access()).isEqualTo(Access.LOGGED_IN);
        assertThat(x.summary()).contains("line 2", "198.51.100.0", "without a password");
        assertThat(x.severity()).isEqualTo(Severity.CRITICAL);
      });
      assertThat(f).anySatisfy(x -> {
        assertThat(x.summary()).contains("line 3", "in clear");
        assertThat(x.severity()).isEqualTo(Severity.MEDIUM);
      });
      assertThat(f).noneMatch(x -> x.summary().contains("line 1 "));
      assertThat(f).anySatisfy(x -> assertThat(x.summary()).contains("superuser role(s) that can log in: postgres"));
    }
  }
}
