package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.catalog.Severity;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The judgement of what a login saw, on rows as the servers return them. */
class LoginFindingsTest {
  private static final Endpoint AT = new Endpoint(InetAddress.getLoopbackAddress(), 3306);
  private static final Login ROOT = new Login("*", "root", "x", "--login");

  @Test
  void mysqlAccountsOpenToEveryAddressAreJudgedByPasswordAndPrivilege() {
    List<ServiceFinding> f = MySqlLogin.findings(AT, ROOT, List.of(
        new MySqlLogin.Account("root", "localhost", false, true),
        new MySqlLogin.Account("app", "%", true, false),
        new MySqlLogin.Account("admin", "%", false, true),
        new MySqlLogin.Account("report", "10.0.%", false, false),
        new MySqlLogin.Account("local", "127.0.0.1", true, false)));
    assertThat(f).extracting(ServiceFinding::severity)
        .containsExactly(Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW);
    assertThat(f.get(0).summary()).contains("'app'@'%'", "no password");
    assertThat(f.get(1).fix()).contains("RENAME USER 'admin'@'%'");
    assertThat(f).allMatch(x -> x.access() == Access.LOGGED_IN);
  }

  @Test
  void postgresTrustAndPasswordLinesCountOnlyBeyondLoopback() {
    List<ServiceFinding> f = PostgresLogin.hbaFindings(AT, List.of(
        new PostgresLogin.HbaRule(1, "local", "all", "all", null, null, "trust"),
        new PostgresLogin.HbaRule(2, "host", "all", "all", "127.0.0.1", "255.255.255.255", "trust"),
        new PostgresLogin.HbaRule(3, "host", "all", "all", "0.0.0.0", "0.0.0.0", "trust"),
        new PostgresLogin.HbaRule(4, "host", "app", "app", "198.51.100.0", "255.255.255.0", "password"),
        new PostgresLogin.HbaRule(5, "host", "all", "all", "all", null, "scram-sha-256")));
    assertThat(f).extracting(ServiceFinding::severity).containsExactly(Severity.CRITICAL, Severity.MEDIUM);
    assertThat(f.get(0).summary()).contains("line 3", "0.0.0.0/0.0.0.0");
    assertThat(f.get(1).fix()).contains("scram-sha-256");
  }

  @Test
  void redisUsersWithoutPasswordAreFound() {
    List<ServiceFinding> f = RedisLogin.aclFindings(AT, List.of(
        "user default on nopass sanitize-payload ~* &* +@all",
        "user cache on nopass ~cache:* +get",
        "user off-one off nopass +@all",
        "user admin on #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 ~* +@all"));
    assertThat(f).extracting(ServiceFinding::severity).containsExactly(Severity.CRITICAL, Severity.HIGH);
    assertThat(f.get(0).summary()).contains("'default'", "+@all");
  }

  @Test
  void mongoUsersOwningEveryDatabaseAreFound() {
    MongoLogin.Sources anywhere = new MongoLogin.Sources.Anywhere();
    List<ServiceFinding> f = MongoLogin.findings(AT, ROOT, List.of(
        new MongoLogin.User("admin", "admin", List.of("root"), anywhere),
        new MongoLogin.User("backup", "admin", List.of("readWriteAnyDatabase"), anywhere),
        new MongoLogin.User("ops", "admin", List.of("root"), new MongoLogin.Sources.Only(List.of("10.1.2.3"))),
        new MongoLogin.User("audit", "admin", List.of("userAdminAnyDatabase"), new MongoLogin.Sources.Unknown("refused")),
        new MongoLogin.User("app", "shop", List.of("readWrite"), new MongoLogin.Sources.Unknown("not asked"))));
    assertThat(f).extracting(ServiceFinding::severity)
        .containsExactly(Severity.HIGH, Severity.MEDIUM, Severity.INFO, Severity.HIGH);
    assertThat(f.get(0).summary()).contains("'admin' (admin)", "root", "no authenticationRestrictions", "from any address");
    assertThat(f.get(2).summary()).contains("'ops'", "only from 10.1.2.3");
    assertThat(f.get(3).summary()).contains("is not known: refused");
    assertThat(MongoLogin.findings(AT, ROOT, List.of(new MongoLogin.User("app", "shop", List.of("read"), anywhere))))
        .singleElement().extracting(ServiceFinding::severity).isEqualTo(Severity.INFO);
  }

  @Test
  void mongoRestrictionsBindOnlyWhenEverySetNamesClientSources() {
    org.bson.Document only = new org.bson.Document("clientSource", List.of("10.0.0.0/8"));
    org.bson.Document serverOnly = new org.bson.Document("serverAddress", List.of("10.9.9.9"));
    org.bson.Document all = new org.bson.Document("clientSource", List.of("0.0.0.0/0"));
    assertThat(MongoLogin.sources(List.of(List.of(), List.of()))).isInstanceOf(MongoLogin.Sources.Anywhere.class);
    assertThat(MongoLogin.sources(List.of(List.of(only))))
        .isEqualTo(new MongoLogin.Sources.Only(List.of("10.0.0.0/8")));
    // A document that does not name client sources admits a client from anywhere: one of the
    // set's documents suffices.
    assertThat(MongoLogin.sources(List.of(List.of(only, serverOnly)))).isInstanceOf(MongoLogin.Sources.Anywhere.class);
    assertThat(MongoLogin.sources(List.of(List.of(all)))).isInstanceOf(MongoLogin.Sources.Anywhere.class);
    // A role's restriction binds the user too.
    assertThat(MongoLogin.sources(List.of(List.of(), List.of(only))))
        .isEqualTo(new MongoLogin.Sources.Only(List.of("10.0.0.0/8")));
  }
}
