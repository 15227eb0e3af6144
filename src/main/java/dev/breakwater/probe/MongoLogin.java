package dev.breakwater.probe;

import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.connection.ClusterConnectionMode;
import dev.breakwater.catalog.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * MongoDB with a login, through the MongoDB Java driver (SCRAM, as the server offers):
 * {@code usersInfo {forAllDBs: true}} for the users holding a role that owns every database.
 * Whether the server asks for credentials at all is the anonymous check's {@code listDatabases}.
 * See https://www.mongodb.com/docs/manual/reference/command/usersInfo/ and
 * https://www.mongodb.com/docs/manual/reference/built-in-roles/
 */
final class MongoLogin {
  private static final int UNAUTHORIZED = 13;
  /** Roles that grant, or let their holder grant itself, everything on every database. */
  private static final Set<String> OWNS_EVERYTHING = Set.of("root", "userAdminAnyDatabase", "__system");
  /** Roles over every database that stop short of granting more. */
  private static final Set<String> ANY_DATABASE = Set.of("readWriteAnyDatabase", "dbAdminAnyDatabase", "clusterAdmin", "restore");

  private MongoLogin() {}

  record User(String name, String db, List<String> roles) {}

  static List<ServiceFinding> check(Endpoint endpoint, Login login, Duration timeout) {
    // The driver logs through SLF4J at INFO (every connection, every monitor beat): probe prints
    // its own findings, so only the driver's warnings may reach stderr.
    System.setProperty("org.slf4j.simpleLogger.log.org.mongodb.driver", "warn");
    long ms = timeout.toMillis();
    MongoClientSettings settings = MongoClientSettings.builder()
        .applyToClusterSettings(b -> b.hosts(List.of(new ServerAddress(endpoint.address().getHostAddress(), endpoint.port())))
            .mode(ClusterConnectionMode.SINGLE).serverSelectionTimeout(ms, TimeUnit.MILLISECONDS))
        .applyToSocketSettings(b -> b.connectTimeout((int) ms, TimeUnit.MILLISECONDS).readTimeout((int) ms, TimeUnit.MILLISECONDS))
        .credential(MongoCredential.createCredential(login.user(), "admin", login.password().toCharArray()))
        .applicationName("breakwater-probe")
        .build();
    try (MongoClient client = MongoClients.create(settings)) {
      Document reply;
      try {
        reply = client.getDatabase("admin").runCommand(new Document("usersInfo", new Document("forAllDBs", true)));
      } catch (MongoCommandException e) {
        if (e.getErrorCode() != UNAUTHORIZED) {
          throw e;
        }
        return List.of(LoginChecks.found(endpoint, "mongodb", Severity.INFO,
            "logged in as '" + Printable.plain(login.user()) + "', which may not list the users (usersInfo: "
                + Printable.excerpt(Printable.plain(e.getErrorMessage())) + "), so they were not checked",
            "log in as a user with viewUser on every database (userAdminAnyDatabase) to check them"));
      }
      List<User> users = new ArrayList<>();
      for (Object o : reply.getList("users", Object.class, List.of())) {
        if (o instanceof Document d) {
          List<String> roles = new ArrayList<>();
          for (Object r : d.getList("roles", Object.class, List.of())) {
            if (r instanceof Document rd && rd.getString("role") != null) {
              roles.add(rd.getString("role"));
            }
          }
          users.add(new User(String.valueOf(d.get("user")), String.valueOf(d.get("db")), roles));
        }
      }
      return findings(endpoint, login, users);
    }
  }

  static List<ServiceFinding> findings(Endpoint endpoint, Login login, List<User> users) {
    List<ServiceFinding> out = new ArrayList<>();
    for (User u : users) {
      List<String> owning = u.roles().stream().filter(OWNS_EVERYTHING::contains).toList();
      List<String> wide = u.roles().stream().filter(ANY_DATABASE::contains).toList();
      if (owning.isEmpty() && wide.isEmpty()) {
        continue;
      }
      String name = "'" + Printable.plain(u.name()) + "' (" + Printable.plain(u.db()) + ")";
      out.add(LoginChecks.found(endpoint, "mongodb", owning.isEmpty() ? Severity.MEDIUM : Severity.HIGH,
          "user " + name + " holds " + String.join(", ", owning.isEmpty() ? wide : owning)
              + ": whoever guesses or steals its password, from any address, "
              + (owning.isEmpty() ? "reads or changes every database" : "owns every database and user"),
          "give applications roles on their own database only; restrict administrators by address: "
              + "db.updateUser(\"" + Printable.plain(u.name()) + "\", {authenticationRestrictions: [{clientSource: [\"<admin address>\"]}]})"));
    }
    if (out.isEmpty()) {
      out.add(LoginChecks.found(endpoint, "mongodb", Severity.INFO,
          "logged in as '" + Printable.plain(login.user()) + "': none of the " + users.size() + " users holds a role over every database", ""));
    }
    return out;
  }
}
