package dev.breakwater.probe;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of BSON (https://bsonspec.org/spec.html) a MongoDB handshake needs: documents of
 * strings and int32s out; documents, arrays, strings and numbers in. Other types are skipped.
 */
final class Bson {
  private Bson() {}

  /** Encodes string, Integer and Boolean values, in the map's order (the command name first). */
  static byte[] encode(Map<String, Object> document) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, Object> e : document.entrySet()) {
      Object v = e.getValue();
      switch (v) {
        case String s -> {
          body.write(0x02);
          cstring(body, e.getKey());
          byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
          body.writeBytes(le(bytes.length + 1));
          body.writeBytes(bytes);
          body.write(0);
        }
        case Integer i -> {
          body.write(0x10);
          cstring(body, e.getKey());
          body.writeBytes(le(i));
        }
        case Boolean b -> {
          body.write(0x08);
          cstring(body, e.getKey());
          body.write(b ? 1 : 0);
        }
        default -> throw new IllegalArgumentException("cannot encode " + v.getClass());
      }
    }
    ByteArrayOutputStream doc = new ByteArrayOutputStream();
    doc.writeBytes(le(body.size() + 5));
    doc.writeBytes(body.toByteArray());
    doc.write(0);
    return doc.toByteArray();
  }

  /** Decodes one document starting at the buffer's position; arrays become lists. */
  static Map<String, Object> decode(ByteBuffer in) {
    ByteBuffer b = in.order(ByteOrder.LITTLE_ENDIAN);
    int start = b.position();
    int length = b.getInt();
    if (length < 5 || start + length > b.limit()) {
      throw new IllegalArgumentException("BSON document length " + length + " does not fit");
    }
    int end = start + length - 1;
    Map<String, Object> doc = new LinkedHashMap<>();
    while (b.position() < end) {
      int type = b.get() & 0xff;
      String key = cstring(b);
      Object value = switch (type) {
        case 0x01 -> b.getDouble();
        case 0x02 -> string(b);
        case 0x03 -> decode(b);
        case 0x04 -> new ArrayList<>(decode(b).values());
        case 0x05 -> skip(b, b.getInt() + 1);
        case 0x07 -> skip(b, 12);
        case 0x08 -> b.get() != 0;
        case 0x09, 0x11 -> b.getLong();
        case 0x0A, 0x7F, 0xFF -> null;
        case 0x0B -> cstring(b) + "/" + cstring(b);
        case 0x10 -> b.getInt();
        case 0x12 -> b.getLong();
        case 0x13 -> skip(b, 16);
        default -> throw new IllegalArgumentException("BSON type 0x" + Integer.toHexString(type) + " is not supported");
      };
      doc.put(key, value);
    }
    b.position(start + length);
    return doc;
  }

  static List<?> list(Object o) {
    return o instanceof List<?> l ? l : List.of();
  }

  private static Object skip(ByteBuffer b, int n) {
    b.position(b.position() + n);
    return null;
  }

  private static String string(ByteBuffer b) {
    int n = b.getInt();
    byte[] bytes = new byte[n - 1];
    b.get(bytes);
    b.get();
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static String cstring(ByteBuffer b) {
    int from = b.position();
    while (b.get() != 0) {
      // scan to the terminating NUL
    }
    return new String(b.array(), b.arrayOffset() + from, b.position() - from - 1, StandardCharsets.UTF_8);
  }

  private static void cstring(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    out.write(0);
  }

  private static byte[] le(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }
}
