package dev.breakwater.probe;

import dev.breakwater.catalog.Severity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * PostgreSQL: a protocol 3.0 StartupMessage for user and database {@code postgres}, no password.
 * AuthenticationOk (R, code 0) before any password means pg_hba.conf says {@code trust} for
 * this client: anyone gets a superuser session. Codes 3, 5 and 10 ask for a cleartext, MD5 or
 * SCRAM password. See https://www.postgresql.org/docs/current/protocol-message-formats.html
 */
public record PostgresCheck() implements ServiceCheck {
  private static final int PROTOCOL_3_0 = 196608;

  @Override
  public String service() {
    return "postgresql";
  }

  @Override
  public List<Integer> defaultPorts() {
    return List.of(5432);
  }

  @Override
  public ServiceFinding check(Endpoint endpoint, CheckOptions options) throws IOException {
    try (ProbeSocket s = ProbeSocket.connect(endpoint, options.timeout())) {
      s.write(startupMessage("postgres", "postgres"));
      int type = s.readByte();
      int length = ByteBuffer.wrap(s.readExactly(4)).getInt();
      if (length < 4 || length > 65536) {
        return unrecognised(endpoint, "a message of length " + length);
      }
      byte[] body = s.readExactly(length - 4);
      if (type == 'R' && body.length >= 4) {
        int code = ByteBuffer.wrap(body).getInt();
        if (code == 0) {
          String version = serverVersion(s);
          s.write(new byte[] {'X', 0, 0, 0, 4});
          return new ServiceFinding(endpoint, service(), Access.NO_AUTH, Severity.CRITICAL, version,
              "PostgreSQL" + (version.isEmpty() ? "" : " " + version) + " at " + endpoint
                  + " let user 'postgres' in without a password (pg_hba.conf 'trust'): a stranger has a superuser session",
              "replace 'trust' with 'scram-sha-256' for every host line in pg_hba.conf and set a password; "
                  + ExposureAdvice.keepOffTheNetwork(endpoint.port()));
        }
        return new ServiceFinding(endpoint, service(), Access.AUTH_REQUIRED, ExposureAdvice.REACHABLE_WITH_AUTH, "",
            ExposureAdvice.reachableWithAuth("PostgreSQL", endpoint) + " (" + method(code) + ")",
            ExposureAdvice.keepOffTheNetwork(endpoint.port()));
      }
      if (type == 'E') {
        String message = errorMessage(body);
        return new ServiceFinding(endpoint, service(), Access.REFUSED, Severity.LOW, "",
            "PostgreSQL at " + endpoint + " refused user 'postgres' without asking for a password: " + message,
            ExposureAdvice.keepOffTheNetwork(endpoint.port()));
      }
      return unrecognised(endpoint, "message type " + Printable.excerpt(String.valueOf((char) type)));
    }
  }

  private ServiceFinding unrecognised(Endpoint endpoint, String what) {
    return new ServiceFinding(endpoint, service(), Access.UNRECOGNISED, Severity.INFO, "",
        "port " + endpoint + " did not answer a PostgreSQL startup message (" + what + ")", "");
  }

  static byte[] startupMessage(String user, String database) {
    ByteArrayOutputStream params = new ByteArrayOutputStream();
    for (String s : new String[] {"user", user, "database", database, "application_name", "breakwater-probe"}) {
      params.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      params.write(0);
    }
    params.write(0);
    ByteBuffer b = ByteBuffer.allocate(8 + params.size());
    b.putInt(8 + params.size()).putInt(PROTOCOL_3_0).put(params.toByteArray());
    return b.array();
  }

  /** After AuthenticationOk the server sends ParameterStatus messages, server_version among them. */
  private static String serverVersion(ProbeSocket s) throws IOException {
    for (int i = 0; i < 64; i++) {
      int type = s.readByte();
      int length = ByteBuffer.wrap(s.readExactly(4)).getInt();
      if (length < 4 || length > 65536) {
        return "";
      }
      byte[] body = s.readExactly(length - 4);
      if (type == 'S') {
        String[] kv = new String(body, StandardCharsets.UTF_8).split("\0");
        if (kv.length >= 2 && kv[0].equals("server_version")) {
          return kv[1];
        }
      } else if (type == 'Z' || type == 'E') {
        return "";
      }
    }
    return "";
  }

  private static String method(int code) {
    return switch (code) {
      case 3 -> "cleartext password";
      case 5 -> "MD5 password";
      case 10 -> "SCRAM password";
      case 7 -> "GSSAPI";
      case 9 -> "SSPI";
      default -> "authentication code " + code;
    };
  }

  /** The M (message) field of an ErrorResponse. */
  static String errorMessage(byte[] body) {
    int i = 0;
    while (i < body.length && body[i] != 0) {
      char field = (char) body[i++];
      int end = i;
      while (end < body.length && body[end] != 0) {
        end++;
      }
      if (field == 'M') {
        return Printable.excerpt(new String(body, i, end - i, StandardCharsets.UTF_8));
      }
      i = end + 1;
    }
    return "no message";
  }
}
