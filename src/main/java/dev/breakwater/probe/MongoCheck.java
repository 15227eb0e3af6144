package dev.breakwater.probe;

import dev.breakwater.catalog.Severity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MongoDB: OP_MSG {@code hello} (or {@code isMaster}, for servers before hello), {@code buildInfo} (both allowed before authentication) and then
 * {@code listDatabases} without credentials. If the list comes back, anyone can read and drop
 * every database, which is how the 2017 ransom wave emptied tens of thousands of servers.
 * See https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/
 */
public record MongoCheck() implements ServiceCheck {
  private static final int OP_MSG = 2013;
  private static final int UNAUTHORIZED = 13;

  @Override
  public String service() {
    return "mongodb";
  }

  @Override
  public List<Integer> defaultPorts() {
    return List.of(27017);
  }

  @Override
  public ServiceFinding check(Endpoint endpoint, CheckOptions options) throws IOException {
    try (ProbeSocket s = ProbeSocket.connect(endpoint, options.timeout())) {
      Map<String, Object> hello = command(s, 1, "hello");
      if (!isOk(hello)) {
        // hello came with MongoDB 5.0 (backported to 4.4.2, 4.2.10, 4.0.21, 3.6.21); older servers,
        // the ones most often left open, answer "no such command" and know only isMaster.
        hello = command(s, 4, "isMaster");
      }
      if (!isOk(hello)) {
        return new ServiceFinding(endpoint, service(), Access.UNRECOGNISED, Severity.INFO, "",
            "port " + endpoint + " did not answer MongoDB's hello", "");
      }
      Object version = command(s, 2, "buildInfo").getOrDefault("version", "");
      String v = version == null ? "" : version.toString();
      Map<String, Object> list = command(s, 3, "listDatabases");
      if (isOk(list)) {
        List<String> names = new ArrayList<>();
        for (Object db : Bson.list(list.get("databases"))) {
          if (db instanceof Map<?, ?> m && m.get("name") != null) {
            names.add(m.get("name").toString());
          }
        }
        return new ServiceFinding(endpoint, service(), Access.NO_AUTH, Severity.CRITICAL, v,
            "MongoDB " + v + " at " + endpoint + " listed its databases " + names
                + " without credentials: anyone can read and drop them",
            "enable authorization (security.authorization: enabled) and create users; "
                + ExposureAdvice.keepOffTheNetwork(endpoint.port()));
      }
      Object code = list.get("code");
      if (code instanceof Number n && n.intValue() == UNAUTHORIZED) {
        return new ServiceFinding(endpoint, service(), Access.AUTH_REQUIRED, ExposureAdvice.REACHABLE_WITH_AUTH, v,
            ExposureAdvice.reachableWithAuth("MongoDB " + v, endpoint), ExposureAdvice.keepOffTheNetwork(endpoint.port()));
      }
      return new ServiceFinding(endpoint, service(), Access.REFUSED, Severity.LOW, v,
          "MongoDB " + v + " at " + endpoint + " refused listDatabases: " + Printable.excerpt(String.valueOf(list.get("errmsg"))),
          ExposureAdvice.keepOffTheNetwork(endpoint.port()));
    }
  }

  static byte[] message(int requestId, String commandName) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put(commandName, 1);
    if (commandName.equals("listDatabases")) {
      doc.put("nameOnly", true);
    }
    doc.put("$db", "admin");
    byte[] body = Bson.encode(doc);
    ByteBuffer b = ByteBuffer.allocate(16 + 4 + 1 + body.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(b.capacity()).putInt(requestId).putInt(0).putInt(OP_MSG);
    b.putInt(0).put((byte) 0).put(body);
    return b.array();
  }

  private static Map<String, Object> command(ProbeSocket s, int requestId, String name) throws IOException {
    s.write(message(requestId, name));
    ByteBuffer header = ByteBuffer.wrap(s.readExactly(16)).order(ByteOrder.LITTLE_ENDIAN);
    int length = header.getInt();
    header.getInt();
    header.getInt();
    int opCode = header.getInt();
    if (length < 21 || length > 1024 * 1024 || opCode != OP_MSG) {
      throw new IOException("not a MongoDB OP_MSG reply (opcode " + opCode + ", length " + length + ")");
    }
    ByteBuffer body = ByteBuffer.wrap(s.readExactly(length - 16)).order(ByteOrder.LITTLE_ENDIAN);
    body.getInt(); // flag bits
    if (body.get() != 0) {
      throw new IOException("MongoDB replied with a document sequence where a body was expected");
    }
    try {
      return Bson.decode(body);
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
      throw new IOException("MongoDB's reply is not valid BSON: " + e.getMessage(), e);
    }
  }

  private static boolean isOk(Map<String, Object> reply) {
    return reply.get("ok") instanceof Number n && n.doubleValue() == 1.0;
  }
}
