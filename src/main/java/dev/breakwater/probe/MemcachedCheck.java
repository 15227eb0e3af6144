package dev.breakwater.probe;

import dev.breakwater.catalog.Severity;
import java.io.IOException;
import java.util.List;

/**
 * Memcached: the text protocol's {@code stats}. Memcached has no authentication unless built
 * with SASL (binary protocol only, where the text command is rejected), so an answer means
 * anyone can read and flush the cache, and over UDP amplify attacks. See memcached's
 * doc/protocol.txt.
 */
public record MemcachedCheck() implements ServiceCheck {
  @Override
  public String service() {
    return "memcached";
  }

  @Override
  public List<Integer> defaultPorts() {
    return List.of(11211);
  }

  @Override
  public ServiceFinding check(Endpoint endpoint, CheckOptions options) throws IOException {
    try (ProbeSocket s = ProbeSocket.connect(endpoint, options.timeout())) {
      s.write("stats\r\n");
      String first = s.readLine(4096);
      if (first.startsWith("STAT ")) {
        String version = "";
        // stats is about 80 lines; the cap keeps a hostile server from holding the check forever.
        int lines = 0;
        for (String line = first; !line.equals("END") && lines++ < 500; line = s.readLine(4096)) {
          if (line.startsWith("STAT version ")) {
            version = line.substring("STAT version ".length()).trim();
          }
        }
        return new ServiceFinding(endpoint, service(), Access.NO_AUTH, Severity.CRITICAL, version,
            "Memcached " + version + " at " + endpoint + " answered 'stats' without credentials: anyone can read, "
                + "overwrite and flush the cache",
            "listen only on 127.0.0.1 or a private address (-l), or require SASL (-S); "
                + ExposureAdvice.keepOffTheNetwork(endpoint.port()));
      }
      if (first.startsWith("CLIENT_ERROR") || first.equals("ERROR")) {
        return new ServiceFinding(endpoint, service(), Access.AUTH_REQUIRED, ExposureAdvice.REACHABLE_WITH_AUTH, "",
            ExposureAdvice.reachableWithAuth("Memcached", endpoint) + " (" + Printable.excerpt(first) + ")",
            ExposureAdvice.keepOffTheNetwork(endpoint.port()));
      }
      return new ServiceFinding(endpoint, service(), Access.UNRECOGNISED, Severity.INFO, "",
          "port " + endpoint + " did not answer 'stats' like Memcached (" + Printable.excerpt(first) + ")", "");
    }
  }
}
