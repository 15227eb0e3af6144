package dev.breakwater.probe;

import dev.breakwater.catalog.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Redis: {@code PING} without {@code AUTH}. {@code +PONG} means anyone can read, write and (via
 * {@code CONFIG SET dir}) plant files; {@code -NOAUTH} means a password is set; {@code -DENIED}
 * is protected mode refusing a non-loopback client. Commands go in RESP array form so that
 * Redis's cross-protocol defence (it drops connections that start like HTTP) is not triggered.
 */
public record RedisCheck() implements ServiceCheck {
  /** INFO server is a few kilobytes; a larger reply is not one worth reading. */
  private static final int MAX_INFO = 256 * 1024;

  @Override
  public String service() {
    return "redis";
  }

  @Override
  public List<Integer> defaultPorts() {
    return List.of(6379);
  }

  @Override
  public ServiceFinding check(Endpoint endpoint, CheckOptions options) throws IOException {
    try (ProbeSocket s = ProbeSocket.connect(endpoint, options.timeout())) {
      s.write(command("PING"));
      String reply = s.readLine(4096);
      if (reply.startsWith("+PONG")) {
        s.write(command("INFO", "server"));
        String version = versionFromInfo(s);
        return new ServiceFinding(endpoint, service(), Access.NO_AUTH, Severity.CRITICAL, version,
            "Redis" + (version.isEmpty() ? "" : " " + version) + " at " + endpoint
                + " answers PING without a password: anyone who reaches it can read and overwrite every key",
            "set a password (requirepass, or ACL users with 'nopass' removed from 'default'); "
                + ExposureAdvice.keepOffTheNetwork(endpoint.port()));
      }
      if (reply.startsWith("-NOAUTH") || reply.startsWith("-WRONGPASS")) {
        return new ServiceFinding(endpoint, service(), Access.AUTH_REQUIRED, ExposureAdvice.REACHABLE_WITH_AUTH, "",
            ExposureAdvice.reachableWithAuth("Redis", endpoint), ExposureAdvice.keepOffTheNetwork(endpoint.port()));
      }
      if (reply.startsWith("-DENIED")) {
        return new ServiceFinding(endpoint, service(), Access.REFUSED, Severity.LOW, "",
            "Redis at " + endpoint + " refuses outside clients (protected mode), but has no password",
            "set a password (requirepass) so that turning protected mode off never opens it; "
                + ExposureAdvice.keepOffTheNetwork(endpoint.port()));
      }
      return unrecognised(endpoint, reply);
    }
  }

  private ServiceFinding unrecognised(Endpoint endpoint, String reply) {
    return new ServiceFinding(endpoint, service(), Access.UNRECOGNISED, Severity.INFO, "",
        "port " + endpoint + " did not answer PING like Redis (" + Printable.excerpt(reply) + ")", "");
  }

  private static String versionFromInfo(ProbeSocket s) throws IOException {
    String header = s.readLine(64);
    if (!header.startsWith("$")) {
      return "";
    }
    int length;
    try {
      length = Integer.parseInt(header.substring(1).trim());
    } catch (NumberFormatException e) {
      return "";
    }
    if (length < 0 || length > MAX_INFO) {
      return "";
    }
    String info = new String(s.readExactly(length), StandardCharsets.UTF_8);
    for (String line : info.split("\r\n")) {
      if (line.startsWith("redis_version:")) {
        return line.substring("redis_version:".length()).trim();
      }
    }
    return "";
  }

  static String command(String... words) {
    StringBuilder b = new StringBuilder("*").append(words.length).append("\r\n");
    for (String w : words) {
      b.append('$').append(w.length()).append("\r\n").append(w).append("\r\n");
    }
    return b.toString();
  }
}
