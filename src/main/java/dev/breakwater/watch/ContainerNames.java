package dev.breakwater.watch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Container names by id, learnt from container events: network events give only the id, and a
 * log line that says {@code container=db} is more use than {@code container=4f1c2a9e03b7}.
 * Bounded, oldest forgotten first.
 */
final class ContainerNames {
  private static final int CAPACITY = 4096;

  private final Map<String, String> byId = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > CAPACITY;
    }
  };

  synchronized void learn(String id, String name) {
    if (!id.isEmpty() && !name.isEmpty()) {
      byId.put(id, name);
    }
  }

  synchronized Optional<String> of(String id) {
    return Optional.ofNullable(byId.get(id));
  }
}
