package dev.breakwater.gather;

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

/**
 * The inspect objects of the running containers, re-fetched only for the containers whose list
 * summary changed since the last check (new ones, restarted ones, network changes), in parallel:
 * with fifty containers running, a container start costs one list and one inspect, not fifty-one
 * calls on the latency path.
 */
final class InspectCache<T> {
  private record Cached<T>(String key, T inspect) {}

  private final Map<String, Cached<T>> byId = new LinkedHashMap<>();

  /**
   * @param summaries {@code GET /containers/json}
   * @param inspect {@code GET /containers/{id}/json} (read into what the caller keeps, so that
   *     a check parses only what changed); empty when the container is gone
   * @return the inspected containers, in the list's order
   */
  synchronized List<T> refresh(Iterable<JsonNode> summaries, Function<String, Optional<T>> inspect) {
    Map<String, String> keys = new LinkedHashMap<>();
    for (JsonNode summary : summaries) {
      keys.put(summary.path("Id").asString(""), key(summary));
    }
    Map<String, Future<Optional<T>>> fresh = new LinkedHashMap<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      keys.forEach((id, key) -> {
        Cached<T> cached = byId.get(id);
        if (cached == null || !cached.key().equals(key)) {
          fresh.put(id, pool.submit(() -> inspect.apply(id)));
        }
      });
    }
    byId.keySet().retainAll(keys.keySet());
    List<T> inspects = new ArrayList<>();
    for (Map.Entry<String, String> entry : keys.entrySet()) {
      Future<Optional<T>> pending = fresh.get(entry.getKey());
      if (pending != null) {
        Optional<T> node = get(pending);
        if (node.isPresent()) {
          byId.put(entry.getKey(), new Cached<>(entry.getValue(), node.get()));
        } else {
          byId.remove(entry.getKey());
        }
      }
      Cached<T> cached = byId.get(entry.getKey());
      if (cached != null) {
        inspects.add(cached.inspect());
      }
    }
    return inspects;
  }

  synchronized int size() {
    return byId.size();
  }

  // What in a summary changes when the inspect object does: state, ports, labels, networks and
  // their addresses (not "Status", "Up 3 seconds", which changes every second).
  private static String key(JsonNode summary) {
    return String.join("|", summary.path("State").toString(), summary.path("Ports").toString(), summary.path("Labels").toString(),
        summary.path("NetworkSettings").toString(), summary.path("HostConfig").toString(), summary.path("Created").toString());
  }

  private static <T> Optional<T> get(Future<Optional<T>> future) {
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
