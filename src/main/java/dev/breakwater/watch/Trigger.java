package dev.breakwater.watch;

import java.time.Instant;

/** Why the firewall is re-checked now. */
public sealed interface Trigger {
  /** When the cause happened: the latency of a correction is measured from here. */
  Instant at();

  /** The cause as it appears in log lines ({@code cause=container-start}). */
  String cause();

  /** Docker reported a change to containers or their networks. */
  record Docker(WatchEvent event) implements Trigger {
    @Override
    public Instant at() {
      return event.at();
    }

    @Override
    public String cause() {
      return event.kind().label();
    }
  }

  /** The interval passed without an event: someone may have edited the firewall by hand. */
  record Periodic(Instant at) implements Trigger {
    @Override
    public String cause() {
      return "interval";
    }
  }

  /** watch just started. */
  record Startup(Instant at) implements Trigger {
    @Override
    public String cause() {
      return "startup";
    }
  }

  /** The event stream came back after dockerd went away: events may have been missed. */
  record Reconnected(Instant at) implements Trigger {
    @Override
    public String cause() {
      return "docker-reconnected";
    }
  }

  /** A container ended a moment ago: check again once dockerd's list has caught up. */
  record Settle(Instant at) implements Trigger {
    @Override
    public String cause() {
      return "settle";
    }
  }

  /** A previous check failed (dockerd restarting, DOCKER-USER missing): try again. */
  record Retry(Instant at) implements Trigger {
    @Override
    public String cause() {
      return "retry";
    }
  }
}
