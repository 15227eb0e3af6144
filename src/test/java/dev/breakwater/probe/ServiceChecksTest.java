package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.catalog.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Service checks against canned servers whose replies are written from each protocol's docs. */
class ServiceChecksTest {
  private static ServiceFinding check(CannedServer server, String service) {
    Prober prober = new Prober(ScanSettings.DEFAULT, new CheckOptions(Duration.ofMillis(500), false),
        ServiceChecks.withOverrides(Map.of(server.endpoint().port(), service)));
    List<ServiceFinding> findings = prober.checkAll(List.of(server.endpoint()));
    assertThat(findings).hasSize(1);
    return findings.get(0);
  }

  // --- MongoDB: OP_MSG replies; BSON documents written out by hand, see BsonTest for the format.

  private static final String OK = "01 6f6b00 000000000000f03f";
  private static final String HELLO_REPLY = "11000000 " + OK + " 00";
  private static final String BUILD_INFO_REPLY = "24000000 02 76657273696f6e00 06000000 372e302e3200 " + OK + " 00";
  private static final String DATABASES_REPLY = "39000000 04 646174616261736573 00"
      + " 1d000000 03 3000 15000000 02 6e616d6500 06000000 61646d696e00 00 00 " + OK + " 00";
  private static final String UNAUTHORIZED_REPLY = "2c000000 01 6f6b00 0000000000000000"
      + " 02 6572726d736700 05000000 6175746800 10 636f646500 0d000000 00";

  private static CannedServer mongo(String listDatabasesReply, List<String> commands) throws IOException {
    return new CannedServer((in, out) -> {
      while (true) {
        ByteBuffer header = ByteBuffer.wrap(in.readNBytes(16)).order(ByteOrder.LITTLE_ENDIAN);
        if (header.remaining() < 16) {
          return;
        }
        int length = header.getInt();
        int requestId = header.getInt();
        byte[] body = in.readNBytes(length - 16);
        String command = Bson.decode(ByteBuffer.wrap(body, 5, body.length - 5).slice()).keySet().iterator().next();
        commands.add(command);
        String reply = switch (command) {
          case "hello" -> HELLO_REPLY;
          case "buildInfo" -> BUILD_INFO_REPLY;
          default -> listDatabasesReply;
        };
        byte[] doc = HexFormat.of().parseHex(reply.replace(" ", ""));
        ByteBuffer msg = ByteBuffer.allocate(21 + doc.length).order(ByteOrder.LITTLE_ENDIAN);
        msg.putInt(21 + doc.length).putInt(99).putInt(requestId).putInt(2013).putInt(0).put((byte) 0).put(doc);
        out.write(msg.array());
        out.flush();
      }
    });
  }

  @Test
  void aMongoDbThatListsItsDatabasesWithoutCredentialsIsCritical() throws IOException {
    List<String> commands = new CopyOnWriteArrayList<>();
    try (CannedServer server = mongo(DATABASES_REPLY, commands)) {
      ServiceFinding f = check(server, "mongodb");
      assertThat(f.access()).isEqualTo(Access.NO_AUTH);
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.version()).isEqualTo("7.0.2");
      assertThat(f.summary()).contains("[admin]");
      assertThat(commands).containsExactly("hello", "buildInfo", "listDatabases");
    }
  }

  @Test
  void aMongoDbThatAnswersUnauthorizedIsNotFlaggedAsOpen() throws IOException {
    try (CannedServer server = mongo(UNAUTHORIZED_REPLY, new CopyOnWriteArrayList<>())) {
      ServiceFinding f = check(server, "mongodb");
      assertThat(f.access()).isEqualTo(Access.AUTH_REQUIRED);
      assertThat(f.severity()).isLessThan(Severity.HIGH);
    }
  }

  // --- HTTP services.

  @Test
  void anElasticsearchThatAnswersItsRootIsCritical() throws IOException {
    String root = """
        {"name":"node-1","cluster_name":"logs","cluster_uuid":"x","version":{"number":"8.13.4",
        "build_flavor":"default","lucene_version":"9.10.0"},"tagline":"You Know, for Search"}""";
    try (CannedServer server = new CannedServer((in, out) -> {
      assertThat(CannedServer.readHttpRequest(in)).isEqualTo("GET / HTTP/1.1");
      CannedServer.replyHttp(out, "200 OK", "Content-Type: application/json\r\n", root);
    })) {
      ServiceFinding f = check(server, "elasticsearch");
      assertThat(f.access()).isEqualTo(Access.NO_AUTH);
      assertThat(f.version()).isEqualTo("8.13.4");
      assertThat(f.summary()).startsWith("Elasticsearch 8.13.4").contains("cluster 'logs'");
    }
  }

  @Test
  void anElasticsearchWithSecurityOnAsksForCredentials() throws IOException {
    try (CannedServer server = new CannedServer((in, out) -> {
      CannedServer.readHttpRequest(in);
      CannedServer.replyHttp(out, "401 Unauthorized", "WWW-Authenticate: Basic realm=\"security\"\r\n", "{}");
    })) {
      assertThat(check(server, "elasticsearch").access()).isEqualTo(Access.AUTH_REQUIRED);
    }
  }

  @Test
  void aDockerApiWithoutTlsIsCritical() throws IOException {
    try (CannedServer server = new CannedServer((in, out) -> {
      assertThat(CannedServer.readHttpRequest(in)).isEqualTo("GET /version HTTP/1.1");
      CannedServer.replyHttp(out, "200 OK", "Api-Version: 1.45\r\n",
          "{\"Version\":\"26.1.5\",\"ApiVersion\":\"1.45\",\"Os\":\"linux\"}");
    })) {
      ServiceFinding f = check(server, "docker-api");
      assertThat(f.access()).isEqualTo(Access.NO_AUTH);
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.summary()).contains("root on that host");
    }
  }

  @Test
  void aWebServerIsReportedWithItsBannerOnly() throws IOException {
    try (CannedServer server = new CannedServer((in, out) -> {
      CannedServer.readHttpRequest(in);
      CannedServer.replyHttp(out, "200 OK", "Server: nginx/1.25.3\r\n", "<html></html>");
    })) {
      ServiceFinding f = check(server, "http");
      assertThat(f.access()).isEqualTo(Access.UNTESTED);
      assertThat(f.severity()).isEqualTo(Severity.INFO);
      assertThat(f.version()).isEqualTo("nginx/1.25.3");
      assertThat(f.summary()).contains("HTTP/1.1 200 OK");
    }
  }

  // --- Servers that are not what the port suggests.

  @Test
  void anotherProtocolOnARedisPortIsUnrecognisedNotOpen() throws IOException {
    try (CannedServer server = new CannedServer((in, out) -> {
      out.write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      in.read();
    })) {
      ServiceFinding f = check(server, "redis");
      assertThat(f.access()).isEqualTo(Access.UNRECOGNISED);
      assertThat(f.summary()).contains("SSH-2.0");
    }
  }

  @Test
  void aSilentServerTimesOutIntoAnUnrecognisedFinding() throws IOException {
    try (CannedServer server = new CannedServer((InputStream in, OutputStream out) -> in.readAllBytes())) {
      for (String service : ServiceChecks.names()) {
        ServiceFinding f = check(server, service);
        assertThat(f.access()).as(service).isEqualTo(Access.UNRECOGNISED);
        assertThat(f.summary()).as(service).contains("did not complete");
      }
    }
  }

  @Test
  void unknownServiceNamesInOverridesAreBadInput() {
    assertThatThrownBy(() -> ServiceChecks.withOverrides(ServiceChecks.parseOverrides(List.of("16379=redsi"))))
        .isInstanceOf(ProbeInputException.class).hasMessageContaining("unknown service").hasMessageContaining("redis");
    assertThatThrownBy(() -> ServiceChecks.parseOverrides(List.of("redis")))
        .isInstanceOf(ProbeInputException.class).hasMessageContaining("PORT=NAME");
  }
}
