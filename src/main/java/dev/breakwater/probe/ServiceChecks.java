package dev.breakwater.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The service checks by name and by default port; {@code --service PORT=NAME} overrides a port. */
public final class ServiceChecks {
  private static final List<ServiceCheck> ALL = List.of(
      new RedisCheck(), new PostgresCheck(), new MySqlCheck(), new MongoCheck(), new MemcachedCheck(),
      new ElasticsearchCheck(), new DockerApiCheck(), new HttpBannerCheck());

  private final Map<Integer, ServiceCheck> byPort;

  private ServiceChecks(Map<Integer, ServiceCheck> byPort) {
    this.byPort = Map.copyOf(byPort);
  }

  /** The default ports, plus the given overrides (port to service name). */
  public static ServiceChecks withOverrides(Map<Integer, String> overrides) {
    Map<Integer, ServiceCheck> byPort = new TreeMap<>();
    for (ServiceCheck c : ALL) {
      for (int p : c.defaultPorts()) {
        byPort.put(p, c);
      }
    }
    overrides.forEach((port, name) -> byPort.put(port, named(name).orElseThrow(
        () -> new ProbeInputException("--service " + port + "=" + name + ": unknown service; known: " + names()))));
    return new ServiceChecks(byPort);
  }

  public Optional<ServiceCheck> forPort(int port) {
    return Optional.ofNullable(byPort.get(port));
  }

  public static Optional<ServiceCheck> named(String name) {
    return ALL.stream().filter(c -> c.service().equalsIgnoreCase(name)).findFirst();
  }

  public static List<String> names() {
    return ALL.stream().map(ServiceCheck::service).toList();
  }

  /** The data-store and API ports always worth probing, whatever the port list. */
  static List<Integer> wellKnownPorts() {
    List<Integer> ports = new ArrayList<>();
    for (ServiceCheck c : ALL) {
      if (!(c instanceof HttpBannerCheck)) {
        ports.addAll(c.defaultPorts());
      }
    }
    return ports;
  }

  /** Parses {@code PORT=NAME} pairs as given to {@code --service}. */
  public static Map<Integer, String> parseOverrides(List<String> pairs) {
    Map<Integer, String> out = new LinkedHashMap<>();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      int port;
      try {
        port = eq > 0 ? Integer.parseInt(pair.substring(0, eq).trim()) : -1;
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new ProbeInputException("--service '" + pair + "': write PORT=NAME, e.g. 16379=redis; names: " + names());
      }
      out.put(port, pair.substring(eq + 1).trim());
    }
    return out;
  }
}
