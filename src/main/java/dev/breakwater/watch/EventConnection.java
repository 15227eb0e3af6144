package dev.breakwater.watch;

import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** One open stream of Docker events. */
public interface EventConnection extends AutoCloseable {
  /**
   * The next event, waiting at most {@code wait}; empty when none came.
   *
   * @throws RuntimeException when the stream broke (dockerd stopped or restarted)
   */
  Optional<JsonNode> next(Duration wait);

  @Override
  void close();

  /** Opens a stream; throws when dockerd cannot be reached. */
  @FunctionalInterface
  interface Connector {
    EventConnection open();
  }
}
