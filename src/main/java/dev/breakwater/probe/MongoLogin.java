package dev.breakwater.probe;

import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
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
 * {@code usersInfo {forAllDBs: true}} for the users holding a role that owns every database, then,
 * for each of those, {@code usersInfo {user, db}} with {@code showAuthenticationRestrictions}
 * for the addresses it may log in from (the server refuses that option when viewing all users).
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

  record User(String name, String db, List<String> roles, Sources sources) {
    User {
      roles = List.copyOf(roles);
    }

    boolean holdsWideRole() {
      return roles.stream().anyMatch(r -> OWNS_EVERYTHING.contains(r) || ANY_DATABASE.contains(r));
    }
  }

  /**
   * Where a user may log in from. MongoDB 3.6 added authenticationRestrictions on users and roles:
   * a client must satisfy at least one restriction document of the user and, likewise, of every
   * role it holds (SERVER-15461); a document without {@code clientSource} does not restrict the
   * client's address.
   */
  sealed interface Sources {
    /** No restriction on the client's address (none set, or one that admits every address). */
    record Anywhere() implements Sources {}

    /** Only clients inside these ranges (the user's own, and its roles', restrictions). */
    record Only(List<String> ranges) implements Sources {
      public Only {
        ranges = List.copyOf(ranges);
      }
    }

    /** Not read: not asked (the user holds no wide role) or the server refused. */
    record Unknown(String why) implements Sources {}
  }

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
      return usersOf(client.getDatabase("admin"), endpoint, login);
    }
  }

  /** The users' findings, read through {@code admin} on a connection already logged in. */
  static List<ServiceFinding> usersOf(MongoDatabase admin, Endpoint endpoint, Login login) {
    Document reply;
    try {
      reply = admin.runCommand(new Document("usersInfo", new Document("forAllDBs", true)));
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
    for (Document d : documents(reply.get("users"))) {
      List<String> roles = new ArrayList<>();
      for (Document rd : documents(d.get("roles"))) {
        if (rd.get("role") instanceof String role) {
          roles.add(role);
        }
      }
      User user = new User(String.valueOf(d.get("user")), String.valueOf(d.get("db")), roles,
          new Sources.Unknown("not asked"));
      users.add(user.holdsWideRole() ? new User(user.name(), user.db(), roles, sourcesOf(admin, user)) : user);
    }
    return findings(endpoint, login, users);
  }

  private static Sources sourcesOf(MongoDatabase admin, User user) {
    Document reply;
    try {
      reply = admin.runCommand(new Document("usersInfo", new Document("user", user.name()).append("db", user.db()))
          .append("showAuthenticationRestrictions", true));
    } catch (MongoCommandException e) {
      return new Sources.Unknown("usersInfo with showAuthenticationRestrictions: "
          + Printable.excerpt(Printable.plain(e.getErrorMessage())));
    }
    List<Document> found = documents(reply.get("users"));
    if (found.isEmpty()) {
      return new Sources.Unknown("usersInfo did not return the user");
    }
    Document u = found.getFirst();
    List<List<Document>> sets = new ArrayList<>();
    sets.add(documents(u.get("authenticationRestrictions")));
    // One list per role (and role it inherits), each to be satisfied like the user's own.
    Object inherited = u.get("inheritedAuthenticationRestrictions");
    if (inherited instanceof List<?> perRole) {
      for (Object roleSet : perRole) {
        sets.add(documents(roleSet));
      }
    }
    return sources(sets);
  }

  /**
   * Where a client may come from, given restriction sets each of which must be met by one of its
   * documents: an empty set restricts nothing, nor does a document without clientSource.
   */
  static Sources sources(List<List<Document>> sets) {
    List<String> ranges = new ArrayList<>();
    for (List<Document> set : sets) {
      if (set.isEmpty()) {
        continue;
      }
      List<String> these = new ArrayList<>();
      for (Document restriction : set) {
        List<String> clientSource = strings(restriction.get("clientSource"));
        if (clientSource.isEmpty() || clientSource.stream().anyMatch(MongoLogin::admitsEveryAddress)) {
          these = null;
          break;
        }
        these.addAll(clientSource);
      }
      if (these != null) {
        these.stream().filter(r -> !ranges.contains(r)).forEach(ranges::add);
      }
    }
    return ranges.isEmpty() ? new Sources.Anywhere() : new Sources.Only(ranges);
  }

  private static boolean admitsEveryAddress(String range) {
    String r = range.strip();
    return r.endsWith("/0");
  }

  private static List<Document> documents(Object value) {
    List<Document> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Document d) {
          out.add(d);
        }
      }
    }
    return out;
  }

  private static List<String> strings(Object value) {
    List<String> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof String s) {
          out.add(s);
        }
      }
    } else if (value instanceof String s) {
      out.add(s);
    }
    return out;
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
      String holds = "user " + name + " holds " + String.join(", ", owning.isEmpty() ? wide : owning);
      String power = owning.isEmpty() ? "reads or changes every database" : "owns every database and user";
      String restrict = "restrict it by address: db.updateUser(\"" + Printable.plain(u.name())
          + "\", {authenticationRestrictions: [{clientSource: [\"<admin address>\"]}]})";
      out.add(switch (u.sources()) {
        case Sources.Only only -> LoginChecks.found(endpoint, "mongodb", Severity.INFO,
            holds + ", but may log in only from " + Printable.plain(String.join(", ", only.ranges()))
                + " (authenticationRestrictions): from there, whoever has its password " + power, "");
        case Sources.Anywhere anywhere -> LoginChecks.found(endpoint, "mongodb", owning.isEmpty() ? Severity.MEDIUM : Severity.HIGH,
            holds + " with no authenticationRestrictions: whoever guesses or steals its password, from any address, " + power,
            "give applications roles on their own database only; " + restrict);
        case Sources.Unknown unknown -> LoginChecks.found(endpoint, "mongodb", owning.isEmpty() ? Severity.MEDIUM : Severity.HIGH,
            holds + ": whoever guesses or steals its password " + power + " (whether it is restricted by address is not known: "
                + unknown.why() + ")",
            "give applications roles on their own database only; " + restrict);
      });
    }
    if (out.isEmpty()) {
      out.add(LoginChecks.found(endpoint, "mongodb", Severity.INFO,
          "logged in as '" + Printable.plain(login.user()) + "': none of the " + users.size() + " users holds a role over every database", ""));
    }
    return out;
  }
}
