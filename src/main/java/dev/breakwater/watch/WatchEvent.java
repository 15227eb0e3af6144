package dev.breakwater.watch;

import java.time.Instant;

/**
 * A Docker event that can change what the BREAKWATER chain must hold.
 *
 * @param container the container's name when Docker gives it (container events), else its id
 *     (network events name the network and give only the container's id)
 * @param at when dockerd says it happened
 */
public record WatchEvent(Kind kind, String container, Instant at) {

  /** The events watch follows: a container's ports come and go with these. */
  public enum Kind {
    CONTAINER_START("container-start"),
    CONTAINER_STOP("container-stop"),
    CONTAINER_DIE("container-die"),
    CONTAINER_DESTROY("container-destroy"),
    NETWORK_CONNECT("network-connect"),
    NETWORK_DISCONNECT("network-disconnect");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The name used in log lines and metrics ({@code container-start}). */
    public String label() {
      return label;
    }
  }
}
