package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.breakwater.catalog.Severity;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The anonymous MongoDB check against a server that is not ours: mongo-java-server speaks the
 * wire protocol (OP_MSG, BSON) and, like a mongod started without {@code --auth} (the 2017
 * ransom wave's servers), answers {@code listDatabases} to anyone. The canned replies of
 * ServiceChecksTest are our own reading of the format; this checks the hand-written encoder and
 * decoder against an independent implementation. A mongod with users is not available here
 * (Debian packages none): {@code MongoLogin}'s commands are checked in MongoUsersServerTest.
 */
class MongoCheckServerTest {
  private MongoServer server;
  private InetSocketAddress address;

  @BeforeEach
  void start() {
    server = new MongoServer(new MemoryBackend());
    server.bind(InetAddress.getLoopbackAddress().getHostAddress(), 0);
    address = server.getLocalAddress();
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  private ServiceFinding check() {
    Endpoint endpoint = new Endpoint(InetAddress.getLoopbackAddress(), address.getPort());
    Prober prober = new Prober(ScanSettings.DEFAULT, new CheckOptions(Duration.ofSeconds(5), false),
        ServiceChecks.withOverrides(Map.of(endpoint.port(), "mongodb")));
    List<ServiceFinding> findings = prober.checkAll(List.of(endpoint));
    assertThat(findings).hasSize(1);
    return findings.getFirst();
  }

  @Test
  void aServerWithoutAuthenticationListsTheDatabasesItHolds() {
    try (MongoClient client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort())) {
      client.getDatabase("shop").getCollection("orders").insertOne(new Document("item", "x"));
      client.getDatabase("crm").getCollection("people").insertOne(new Document("name", "y"));
    }

    ServiceFinding f = check();

    assertThat(f.access()).isEqualTo(Access.NO_AUTH);
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.version()).as("buildInfo's version, decoded from the server's BSON").isNotBlank().matches("\\d+\\.\\d+.*");
    assertThat(f.summary()).contains("listed its databases").contains("shop").contains("crm")
        .contains("without credentials: anyone can read and drop them");
  }

  @Test
  void anEmptyServerStillAnswersAndIsStillOpen() {
    ServiceFinding f = check();
    assertThat(f.access()).isEqualTo(Access.NO_AUTH);
    assertThat(f.summary()).contains("listed its databases");
  }
}
