package dev.breakwater.watch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The inspect objects of the running containers, re-fetched only for the containers whose list
 * summary changed since the last check (new ones, restarted ones, network changes), in parallel:
 * with fifty containers running, a container start costs one list and one inspect, not fifty-one
 * calls on the latency path.
 */
final class InspectCache {
  private record Cached(String key, JsonNode inspect) {}

  private final Map<String, Cached> byId = new LinkedHashMap<>();

  /**
   * @param summaries {@code GET /containers/json}
   * @param inspect {@code GET /containers/{id}/json}; empty when the container is gone
   * @return the inspect objects, in the list's order
   */
  synchronized List<JsonNode> refresh(Iterable<JsonNode> summaries, Function<String, Optional<JsonNode>> inspect) {
    Map<String, String> keys = new LinkedHashMap<>();
    for (JsonNode summary : summaries) {
      keys.put(summary.path("Id").asString(""), key(summary));
    }
    Map<String, Future<Optional<JsonNode>>> fresh = new LinkedHashMap<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      keys.forEach((id, key) -> {
        Cached cached = byId.get(id);
        if (cached == null || !cached.key().equals(key)) {
          fresh.put(id, pool.submit(() -> inspect.apply(id)));
        }
      });
    }
    byId.keySet().retainAll(keys.keySet());
    List<JsonNode> inspects = new ArrayList<>();
    for (Map.Entry<String, String> entry : keys.entrySet()) {
      Future<Optional<JsonNode>> pending = fresh.get(entry.getKey());
      if (pending != null) {
        Optional<JsonNode> node = get(pending);
        if (node.isPresent()) {
          byId.put(entry.getKey(), new Cached(entry.getValue(), node.get()));
        } else {
          byId.remove(entry.getKey());
        }
      }
      Cached cached = byId.get(entry.getKey());
      if (cached != null) {
        inspects.add(cached.inspect());
      }
    }
    return inspects;
  }

  synchronized int size() {
    return byId.size();
  }

  // The summary without "Status" ("Up 3 seconds"), which changes every second; the rest (ports,
  // labels, networks and their addresses, state) changes when the inspect object does.
  private static String key(JsonNode summary) {
    if (summary instanceof ObjectNode object) {
      ObjectNode copy = object.deepCopy();
      copy.remove("Status");
      return copy.toString();
    }
    return summary.toString();
  }

  private static Optional<JsonNode> get(Future<Optional<JsonNode>> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while inspecting containers", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
