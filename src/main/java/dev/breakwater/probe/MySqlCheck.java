package dev.breakwater.probe;

import java.util.Locale;

import dev.breakwater.catalog.Severity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * MySQL and MariaDB: the server speaks first with a protocol 10 greeting (version, salt, auth
 * plugin). With {@code --try-default-credentials} the check answers with a HandshakeResponse41
 * for {@code root} and an empty auth response, which is what every password plugin expects for
 * an empty password. See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase.html
 */
public record MySqlCheck() implements ServiceCheck {
  private static final int CLIENT_LONG_PASSWORD = 0x1;
  private static final int CLIENT_PROTOCOL_41 = 0x200;
  private static final int CLIENT_TRANSACTIONS = 0x2000;
  private static final int CLIENT_SECURE_CONNECTION = 0x8000;
  private static final int CLIENT_PLUGIN_AUTH = 0x80000;
  private static final int UTF8MB4_GENERAL_CI = 45;

  @Override
  public String service() {
    return "mysql";
  }

  @Override
  public List<Integer> defaultPorts() {
    return List.of(3306);
  }

  @Override
  public ServiceFinding check(Endpoint endpoint, CheckOptions options) throws IOException {
    try (ProbeSocket s = ProbeSocket.connect(endpoint, options.timeout())) {
      Packet greeting = Packet.read(s);
      if (greeting.payload.length > 0 && (greeting.payload[0] & 0xff) == 0xff) {
        return new ServiceFinding(endpoint, service(), Access.REFUSED, Severity.LOW, "",
            "MySQL at " + endpoint + " refused this client before the login: " + errorText(greeting.payload),
            ExposureAdvice.keepOffTheNetwork(endpoint.port()));
      }
      if (greeting.payload.length < 2 || greeting.payload[0] != 10) {
        return new ServiceFinding(endpoint, service(), Access.UNRECOGNISED, Severity.INFO, "",
            "port " + endpoint + " did not greet like MySQL (" + Printable.excerpt(new String(greeting.payload, StandardCharsets.ISO_8859_1)) + ")", "");
      }
      String version = nulTerminated(greeting.payload, 1);
      String name = version.toLowerCase(Locale.ROOT).contains("mariadb") ? "MariaDB" : "MySQL";
      if (!options.tryDefaultCredentials()) {
        return new ServiceFinding(endpoint, service(), Access.UNTESTED, ExposureAdvice.REACHABLE_WITH_AUTH, version,
            name + " " + version + " at " + endpoint + " greets anyone who can reach it (its login was not tried; "
                + "--try-default-credentials tries root with an empty password)",
            ExposureAdvice.keepOffTheNetwork(endpoint.port()));
      }
      s.write(Packet.frame(1, handshakeResponse("root")));
      Packet reply = Packet.read(s);
      if (reply.firstByte() == 0xfe) {
        // AuthSwitchRequest: the account uses another plugin; an empty password is still empty.
        s.write(Packet.frame(reply.sequence + 1, new byte[0]));
        reply = Packet.read(s);
      }
      if (reply.firstByte() == 0x00) {
        return new ServiceFinding(endpoint, service(), Access.DEFAULT_CREDENTIALS, Severity.CRITICAL, version,
            name + " " + version + " at " + endpoint + " let 'root' in with an empty password: a stranger owns every database",
            "give root a strong password (ALTER USER 'root'@'%' IDENTIFIED BY ...), drop remote root accounts; "
                + ExposureAdvice.keepOffTheNetwork(endpoint.port()));
      }
      return new ServiceFinding(endpoint, service(), Access.AUTH_REQUIRED, ExposureAdvice.REACHABLE_WITH_AUTH, version,
          ExposureAdvice.reachableWithAuth(name + " " + version, endpoint)
              + (reply.firstByte() == 0xff ? " (root with an empty password: " + errorText(reply.payload) + ")" : ""),
          ExposureAdvice.keepOffTheNetwork(endpoint.port()));
    }
  }

  static byte[] handshakeResponse(String user) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 + 1 + 23).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH);
    b.putInt(16 * 1024 * 1024);
    b.put((byte) UTF8MB4_GENERAL_CI);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(b.array());
    out.writeBytes(user.getBytes(StandardCharsets.UTF_8));
    out.write(0);
    out.write(0); // auth response length: empty password
    out.writeBytes("mysql_native_password".getBytes(StandardCharsets.US_ASCII));
    out.write(0);
    return out.toByteArray();
  }

  private static String errorText(byte[] payload) {
    // 0xff, error code (2 bytes), then '#' and a 5-character SQL state when protocol 4.1.
    int start = 3;
    if (payload.length > start && payload[start] == '#') {
      start += 6;
    }
    return start >= payload.length ? "no message"
        : Printable.excerpt(new String(payload, start, payload.length - start, StandardCharsets.UTF_8));
  }

  private static String nulTerminated(byte[] b, int from) {
    int end = from;
    while (end < b.length && b[end] != 0) {
      end++;
    }
    return Printable.plain(new String(b, from, end - from, StandardCharsets.UTF_8));
  }

  /** A MySQL packet: 3-byte little-endian length, a sequence number, the payload. */
  record Packet(int sequence, byte[] payload) {
    static Packet read(ProbeSocket s) throws IOException {
      byte[] h = s.readExactly(4);
      int length = (h[0] & 0xff) | (h[1] & 0xff) << 8 | (h[2] & 0xff) << 16;
      if (length > 1 << 20) {
        throw new IOException("a MySQL packet of " + length + " bytes is not a greeting");
      }
      return new Packet(h[3] & 0xff, s.readExactly(length));
    }

    static byte[] frame(int sequence, byte[] payload) {
      byte[] out = new byte[4 + payload.length];
      out[0] = (byte) payload.length;
      out[1] = (byte) (payload.length >> 8);
      out[2] = (byte) (payload.length >> 16);
      out[3] = (byte) sequence;
      System.arraycopy(payload, 0, out, 4, payload.length);
      return out;
    }

    int firstByte() {
      return payload.length == 0 ? -1 : payload[0] & 0xff;
    }
  }
}
