package dev.breakwater.watch;

import dev.breakwater.docker.DockerClient;


import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * {@link DockerClient#events} as an {@link EventConnection} that notices when the stream ended.
 *
 * <p>When dockerd shuts down it ends the chunked events response cleanly, and the client's
 * {@code next} then returns "no event" at once, forever, exactly what it returns after a quiet
 * wait. A stream that answers "nothing" well before the wait is over has therefore ended.
 */
public final class DockerEventConnection implements EventConnection {
  /** Ended when "nothing" comes back in less than this share of the wait. */
  private static final double EARLY = 0.5;

  private final DockerClient.EventStream stream;

  private DockerEventConnection(DockerClient.EventStream stream) {
    this.stream = stream;
  }

  /** Opens {@code GET /events} with {@link DockerEvents#FILTERS}. */
  public static EventConnection.Connector connector(DockerClient docker) {
    return () -> new DockerEventConnection(docker.events(DockerEvents.FILTERS));
  }

  @Override
  public Optional<JsonNode> next(Duration wait) {
    long started = System.nanoTime();
    Optional<JsonNode> event = stream.next(wait);
    if (event.isEmpty() && System.nanoTime() - started < wait.toNanos() * EARLY) {
      throw new IllegalStateException("the Docker event stream ended (dockerd stopped?)");
    }
    return event;
  }

  @Override
  public void close() {
    try {
      stream.close();
    } catch (RuntimeException e) {
      // Closing a connection dockerd already dropped: nothing left to release.
    }
  }
}
