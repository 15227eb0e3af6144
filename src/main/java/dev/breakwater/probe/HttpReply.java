package dev.breakwater.probe;

import java.io.IOException;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One plain HTTP/1.1 GET and its reply, for the checks that speak HTTP. Written on a raw socket
 * so that a server which speaks something else is reported as such, not as a client error.
 */
record HttpReply(int status, String statusLine, Map<String, String> headers, String body) {
  private static final int MAX_BODY = 64 * 1024;

  static HttpReply get(Endpoint endpoint, String path, CheckOptions options) throws IOException {
    try (ProbeSocket s = ProbeSocket.connect(endpoint, options.timeout())) {
      String host = endpoint.address() instanceof Inet6Address
          ? "[" + endpoint.address().getHostAddress() + "]" : endpoint.address().getHostAddress();
      s.write("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + endpoint.port()
          + "\r\nUser-Agent: breakwater-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n");
      String statusLine = s.readLine(1024);
      if (!statusLine.startsWith("HTTP/") || statusLine.length() < 12) {
        throw new NotHttp(statusLine);
      }
      int status;
      try {
        status = Integer.parseInt(statusLine.substring(9, 12));
      } catch (NumberFormatException e) {
        throw new NotHttp(statusLine);
      }
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 0; i < 200; i++) {
        String line = s.readLine(8192);
        if (line.isEmpty()) {
          break;
        }
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
      }
      String body = new String(s.readToEnd(MAX_BODY), StandardCharsets.UTF_8);
      return new HttpReply(status, statusLine, headers, body);
    }
  }

  String header(String name) {
    return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
  }

  /** Reads (never writes) the JSON a service answers with; built on first use. */
  private static final class Reader {
    static final JsonMapper JSON = JsonMapper.builder().build();
  }

  /** The body as JSON, or a missing node when it is not JSON. */
  JsonNode json() {
    try {
      return Reader.JSON.readTree(body);
    } catch (JacksonException e) {
      return Reader.JSON.missingNode();
    }
  }

  /** The server did not answer with an HTTP status line. */
  static final class NotHttp extends IOException {
    NotHttp(String firstLine) {
      super("not an HTTP reply: " + Printable.excerpt(firstLine));
    }
  }
}
