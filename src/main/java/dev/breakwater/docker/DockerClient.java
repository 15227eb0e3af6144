package dev.breakwater.docker;

import dev.breakwater.problem.EnvironmentProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * A small Docker Engine API client over the daemon's unix socket: only what gathering needs
 * (ping, version, info, list, inspect, events). Every call opens its own connection, so the client is
 * safe to share between threads.
 *
 * <p>The API version is negotiated like the docker CLI does: the lower of the daemon's
 * {@code ApiVersion} and {@link #CLIENT_API_VERSION}, so an old daemon (Debian's 20.10 speaks
 * 1.41) and a new one both answer with the shapes we expect.
 */
public final class DockerClient {
  /** The newest Engine API whose inspect/list/events shapes this client was checked against. */
  public static final String CLIENT_API_VERSION = "1.45";
  public static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");

  private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Path socket;
  private final Duration timeout;
  private volatile String apiVersion;

  private DockerClient(Path socket, Duration timeout) {
    this.socket = socket;
    this.timeout = timeout;
  }

  public static DockerClient forSocket(Path socket, Duration timeout) {
    return new DockerClient(socket, timeout);
  }

  /** The daemon {@code DOCKER_HOST} names, or the default socket when it is unset. */
  public static DockerClient fromEnvironment() {
    return forSocket(socketOf(Optional.ofNullable(System.getenv("DOCKER_HOST"))), Duration.ofSeconds(10));
  }

  /**
   * The socket path a {@code DOCKER_HOST} value names.
   *
   * @throws EnvironmentProblem for a {@code tcp://}, {@code ssh://} or other non-unix endpoint
   */
  public static Path socketOf(Optional<String> dockerHost) {
    if (dockerHost.isEmpty() || dockerHost.get().isBlank()) {
      return DEFAULT_SOCKET;
    }
    String value = dockerHost.get().trim();
    if (!value.startsWith("unix://") || value.length() == "unix://".length()) {
      throw new EnvironmentProblem("DOCKER_HOST=" + value + ": only unix sockets are supported (unix:///path/to/docker.sock); "
          + "run breakwater on the Docker host itself, or use 'breakwater audit --from DIR' on a snapshot made there");
    }
    return Path.of(value.substring("unix://".length()));
  }

  public Path socket() {
    return socket;
  }

  /** Whether a daemon answers {@code GET /_ping} on the socket. */
  public boolean ping() {
    try (var exchange = UnixHttpExchange.open(socket, "GET", "/_ping", timeout)) {
      exchange.readBody(timeout);
      return exchange.status() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code GET /version}: the daemon's Version, ApiVersion, MinAPIVersion, Os, Arch... */
  public JsonNode version() {
    return getJson("/version");
  }

  /**
   * {@code GET /info}: what {@code docker info} shows. Asked without a version, so the daemon
   * answers at its own API version: {@code FirewallBackend} is in the answer from API 1.49
   * (Docker 28.1), newer than {@link #CLIENT_API_VERSION}, and a versioned request below 1.49
   * would not get it. Only the snapshot copies this answer; nothing here relies on its shape.
   */
  public JsonNode info() {
    return getJson("/info");
  }

  /** The API version this client uses with this daemon: min(daemon's, ours). */
  public String apiVersion() {
    String negotiated = apiVersion;
    if (negotiated == null) {
      String daemon = daemonApiVersion();
      negotiated = compareVersions(daemon, CLIENT_API_VERSION) < 0 ? daemon : CLIENT_API_VERSION;
      apiVersion = negotiated;
    }
    return negotiated;
  }

  private String daemonApiVersion() {
    try (var exchange = UnixHttpExchange.open(socket, "GET", "/_ping", timeout)) {
      exchange.readBody(timeout);
      Optional<String> header = exchange.header("Api-Version");
      if (header.isPresent()) {
        return header.get();
      }
    } catch (IOException e) {
      throw unreachable(e);
    }
    return version().path("ApiVersion").asString("1.24");
  }

  /** {@code GET /containers/json}: summaries of the running containers (all with {@code all}). */
  public ArrayNode listContainers(boolean all) {
    JsonNode list = getJson(versioned("/containers/json" + (all ? "?all=1" : "")));
    if (!(list instanceof ArrayNode array)) {
      throw new DockerApiException("GET /containers/json did not return a JSON array");
    }
    return array;
  }

  /** {@code GET /containers/{id}/json}: what {@code docker inspect ID} shows for one container. */
  public JsonNode inspect(String idOrName) {
    if (!CONTAINER_ID.matcher(idOrName).matches()) {
      throw new IllegalArgumentException("not a container id or name: " + idOrName);
    }
    return getJson(versioned("/containers/" + idOrName + "/json"));
  }

  /** What {@code docker inspect $(docker ps -q)} prints: the inspect objects of the running containers. */
  public ArrayNode inspectRunning() {
    ArrayNode result = JSON.createArrayNode();
    for (JsonNode summary : listContainers(false)) {
      String id = summary.path("Id").asString("");
      try {
        result.add(inspect(id));
      } catch (DockerApiException e) {
        // Removed between list and inspect: docker inspect would also skip it (with an error).
        if (e.status() != 404) {
          throw e;
        }
      }
    }
    return result;
  }

  /**
   * {@code GET /events}: a live stream of daemon events (one JSON object each) until closed.
   *
   * @param filters Engine API filters, for example {@code type=[container], event=[start]}
   */
  public EventStream events(Map<String, List<String>> filters) {
    String query = filters.isEmpty() ? "" : "?filters=" + URLEncoder.encode(JSON.writeValueAsString(filters), StandardCharsets.UTF_8);
    String target = versioned("/events" + query);
    try {
      var exchange = UnixHttpExchange.open(socket, "GET", target, timeout);
      if (exchange.status() != 200) {
        String body = new String(exchange.readBody(timeout), StandardCharsets.UTF_8);
        exchange.close();
        throw new DockerApiException("GET " + target, exchange.status(), body);
      }
      return new EventStream(exchange);
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  /** Docker events as they happen. Not thread-safe: one reader. */
  public static final class EventStream implements AutoCloseable {
    private final UnixHttpExchange exchange;

    private EventStream(UnixHttpExchange exchange) {
      this.exchange = exchange;
    }

    /** The next event, waiting at most {@code wait}; empty when none came in time or the stream ended. */
    public Optional<JsonNode> next(Duration wait) {
      try {
        while (true) {
          Optional<String> line = exchange.readBodyLine(wait);
          if (line.isEmpty()) {
            return Optional.empty();
          }
          if (!line.get().isBlank()) {
            return Optional.of(JSON.readTree(line.get()));
          }
        }
      } catch (SocketTimeoutException e) {
        return Optional.empty();
      } catch (IOException e) {
        throw new UncheckedIOException("reading Docker events: " + e.getMessage(), e);
      } catch (JacksonException e) {
        throw new DockerApiException("Docker sent an event that is not JSON: " + e.getOriginalMessage());
      }
    }

    @Override
    public void close() {
      exchange.close();
    }
  }

  private String versioned(String path) {
    return "/v" + apiVersion() + path;
  }

  private JsonNode getJson(String target) {
    try (var exchange = UnixHttpExchange.open(socket, "GET", target, timeout)) {
      byte[] body = exchange.readBody(timeout);
      if (exchange.status() != 200) {
        throw new DockerApiException("GET " + target, exchange.status(), new String(body, StandardCharsets.UTF_8));
      }
      return JSON.readTree(body);
    } catch (IOException e) {
      throw unreachable(e);
    } catch (JacksonException e) {
      throw new DockerApiException("GET " + target + " returned invalid JSON: " + e.getOriginalMessage());
    }
  }

  private DockerApiException unreachable(IOException e) {
    return new DockerApiException("cannot talk to the Docker daemon at " + socket + ": " + e.getMessage());
  }

  /** Compares dotted versions numerically: "1.9" < "1.41". */
  public static int compareVersions(String a, String b) {
    List<Integer> left = numbers(a);
    List<Integer> right = numbers(b);
    for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
      int l = i < left.size() ? left.get(i) : 0;
      int r = i < right.size() ? right.get(i) : 0;
      if (l != r) {
        return Integer.compare(l, r);
      }
    }
    return 0;
  }

  private static List<Integer> numbers(String version) {
    List<Integer> parts = new ArrayList<>();
    for (String part : version.split("\\.")) {
      try {
        parts.add(Integer.parseInt(part.trim()));
      } catch (NumberFormatException e) {
        throw new DockerApiException("not an API version: " + version);
      }
    }
    return parts;
  }
}
