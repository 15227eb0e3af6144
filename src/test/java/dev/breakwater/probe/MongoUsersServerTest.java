package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import dev.breakwater.catalog.Severity;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MongoLogin's commands and its reading of the replies, over the wire protocol through the real
 * driver, against a server that is not ours: mongo-java-server with {@code usersInfo} answered as
 * mongod answers it (the user documents of
 * https://www.mongodb.com/docs/manual/reference/command/usersInfo/, with the option
 * {@code showAuthenticationRestrictions} refused for all users as mongod refuses it). No mongod is
 * available here (Debian packages none) and mongo-java-server has no SCRAM, so the connection is
 * not logged in: the login itself is the driver's.
 */
class MongoUsersServerTest {
  private static final Login LOGIN = new Login("*", "admin", "x", "--login");

  private final List<Document> commands = new CopyOnWriteArrayList<>();
  private final Map<String, Document> users = Map.of(
      "admin.root", user("root", "admin", "root", List.of(), List.of()),
      "admin.ops", user("ops", "admin", "root", List.of(new Document("clientSource", List.of("198.51.100.7"))), List.of()),
      "admin.backup", user("backup", "admin", "readWriteAnyDatabase", List.of(),
          List.of(new Document("clientSource", List.of("198.51.100.0/24")))),
      "shop.app", user("app", "shop", "readWrite", List.of(), List.of()));
  private MongoServer server;
  private InetSocketAddress address;

  private static Document user(String name, String db, String role, List<Document> own, List<Document> fromRoles) {
    return new Document("_id", db + "." + name).append("user", name).append("db", db)
        .append("roles", List.of(new Document("role", role).append("db", "admin")))
        .append("own", own).append("fromRoles", fromRoles);
  }

  /** usersInfo as mongod answers it; every other command as mongo-java-server does. */
  private final class WithUsers extends MemoryBackend {
    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
      if (!command.equals("usersInfo")) {
        return super.handleCommand(channel, database, command, query);
      }
      commands.add(query);
      boolean restrictions = Boolean.TRUE.equals(query.get("showAuthenticationRestrictions"));
      List<Document> out = new ArrayList<>();
      if (query.get("usersInfo") instanceof Document selector && Boolean.TRUE.equals(selector.get("forAllDBs"))) {
        if (restrictions) {
          throw new MongoServerError(2, "BadValue", "Cannot use showAuthenticationRestrictions when looking up all users");
        }
        users.values().forEach(u -> out.add(plain(u)));
      } else if (query.get("usersInfo") instanceof Document selector) {
        Document u = users.get(selector.get("db") + "." + selector.get("user"));
        if (u != null) {
          Document shown = plain(u);
          if (restrictions) {
            shown.append("authenticationRestrictions", u.get("own"))
                .append("inheritedAuthenticationRestrictions", List.of(u.get("fromRoles")));
          }
          out.add(shown);
        }
      }
      return new Document("users", out).append("ok", 1.0);
    }

    private static Document plain(Document u) {
      return new Document("_id", u.get("_id")).append("user", u.get("user")).append("db", u.get("db"))
          .append("roles", u.get("roles"));
    }
  }

  @BeforeEach
  void start() {
    server = new MongoServer(new WithUsers());
    server.bind(InetAddress.getLoopbackAddress().getHostAddress(), 0);
    address = server.getLocalAddress();
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  @Test
  void usersOverEveryDatabaseAreJudgedByTheAddressesTheyMayComeFrom() {
    Endpoint endpoint = new Endpoint(InetAddress.getLoopbackAddress(), address.getPort());
    List<ServiceFinding> findings;
    try (MongoClient client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort())) {
      findings = MongoLogin.usersOf(client.getDatabase("admin"), endpoint, LOGIN);
    }

    assertThat(findings).hasSize(3);
    ServiceFinding root = only(findings, "'root'");
    assertThat(root.severity()).isEqualTo(Severity.HIGH);
    assertThat(root.summary()).contains("no authenticationRestrictions", "from any address", "owns every database");
    ServiceFinding ops = only(findings, "'ops'");
    assertThat(ops.severity()).isEqualTo(Severity.INFO);
    assertThat(ops.summary()).contains("only from 198.51.100.7");
    ServiceFinding backup = only(findings, "'backup'");
    assertThat(backup.severity()).as("a role's restriction binds its holder").isEqualTo(Severity.INFO);
    assertThat(backup.summary()).contains("only from 198.51.100.0/24");
    assertThat(findings).noneMatch(f -> f.summary().contains("'app'"));
    // One listing, then one look-up per user over every database (not the shop's app).
    assertThat(commands).hasSize(4);
  }

  private static ServiceFinding only(List<ServiceFinding> findings, String user) {
    return findings.stream().filter(f -> f.summary().contains(user)).findFirst().orElseThrow();
  }
}
