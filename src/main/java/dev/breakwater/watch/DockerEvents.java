package dev.breakwater.watch;


import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Reads the Engine API's event objects ({@code GET /events}): only the ones that can change
 * which ports are published where.
 *
 * <pre>
 * {"Type":"container","Action":"start","Actor":{"ID":"4f..","Attributes":{"name":"db",...}},"timeNano":1732...}
 * {"Type":"network","Action":"connect","Actor":{"ID":"9c..","Attributes":{"container":"4f..","name":"bridge",...}},...}
 * </pre>
 */
public final class DockerEvents {
  /** The filters asked of dockerd, so that it sends nothing else (exec, health, image events...). */
  public static final Map<String, List<String>> FILTERS = Map.of(
      "type", List.of("container", "network"),
      "event", List.of("start", "stop", "die", "destroy", "connect", "disconnect"));

  private DockerEvents() {}

  public static Optional<WatchEvent> read(JsonNode event) {
    return read(event, new ContainerNames());
  }

  /** Reads {@code event}, learning container names from container events into {@code names}. */
  static Optional<WatchEvent> read(JsonNode event, ContainerNames names) {
    String type = event.path("Type").asString("");
    String action = event.path("Action").asString("");
    JsonNode attributes = event.path("Actor").path("Attributes");
    Optional<WatchEvent.Kind> kind = switch (type + "/" + action) {
      case "container/start" -> Optional.of(WatchEvent.Kind.CONTAINER_START);
      case "container/stop" -> Optional.of(WatchEvent.Kind.CONTAINER_STOP);
      case "container/die" -> Optional.of(WatchEvent.Kind.CONTAINER_DIE);
      case "container/destroy" -> Optional.of(WatchEvent.Kind.CONTAINER_DESTROY);
      case "network/connect" -> Optional.of(WatchEvent.Kind.NETWORK_CONNECT);
      case "network/disconnect" -> Optional.of(WatchEvent.Kind.NETWORK_DISCONNECT);
      default -> Optional.empty();
    };
    if (kind.isEmpty()) {
      return Optional.empty();
    }
    String container;
    if (type.equals("network")) {
      String id = attributes.path("container").asString("");
      container = names.of(id).orElse(shortId(id));
    } else {
      String id = event.path("Actor").path("ID").asString("");
      container = attributes.path("name").asString("");
      names.learn(id, container);
      if (container.isEmpty()) {
        container = shortId(id);
      }
    }
    return Optional.of(new WatchEvent(kind.get(), container, time(event)));
  }

  private static Instant time(JsonNode event) {
    long nanos = event.path("timeNano").asLong(0);
    if (nanos > 0) {
      return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }
    return Instant.ofEpochSecond(event.path("time").asLong(0));
  }

  // Container ids are 64 hex digits; docker ps shows 12, and so do our log lines.
  private static String shortId(String nameOrId) {
    return nameOrId.matches("[0-9a-f]{64}") ? nameOrId.substring(0, 12) : nameOrId;
  }
}
