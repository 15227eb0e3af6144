package dev.breakwater.firewall;

import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.ConntrackEntry;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.ForbiddenFlows;
import dev.breakwater.policy.ProtectedPort;
import dev.breakwater.system.CommandFailed;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.PendingRead;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Cuts the connections a newly applied policy forbids ({@link ForbiddenFlows}) by deleting their
 * conntrack entries: the next packet of such a connection is no longer ESTABLISHED, is not a SYN,
 * and meets the chain's drop. A connection the policy allows, and every connection a container
 * opened itself, keep their entries.
 */
public final class FlowCut {
  private FlowCut() {}

  /** How many connections were cut, and what could not be done (the rules are in force either way). */
  public record Result(int cut, List<String> notes) {
    public Result {
      notes = List.copyOf(notes);
    }
  }

  /** One deletion takes milliseconds; a conntrack that takes this long is stuck, not slow. */
  static final Duration EACH = Duration.ofSeconds(5);
  /** The whole clean-up: it runs after the change is in force, and must not hold the command for long. */
  static final Duration BUDGET = Duration.ofSeconds(20);

  public static Result cut(NetfilterTools tools, CompiledPolicy compiled, HostFacts facts) {
    return cut(tools, compiled, facts, Clock.systemUTC());
  }

  /** As {@link #cut(NetfilterTools, CompiledPolicy, HostFacts)}, its budget read on {@code clock}. */
  public static Result cut(NetfilterTools tools, CompiledPolicy compiled, HostFacts facts, Clock clock) {
    Instant deadline = clock.instant().plus(BUDGET);
    if (!NetfilterTools.Tool.CONNTRACK.installed()) {
      return new Result(0, List.of("conntrack is not installed: connections opened before this change stay open until they"
          + " close (install the conntrack package to have them cut)"));
    }
    List<String> notes = new ArrayList<>();
    int cut = 0;
    // Every listing (one conntrack -L per family and port) is started at once: they are
    // independent reads, and each one's start-up was waited out in turn. The deletions stay one
    // at a time, within the budget.
    Map<IpFamily, List<Listing>> listings = new EnumMap<>(IpFamily.class);
    for (IpFamily family : compiled.families()) {
      Set<String> listed = new LinkedHashSet<>();
      List<Listing> started = new ArrayList<>();
      for (ProtectedPort port : ForbiddenFlows.portsOf(compiled, family)) {
        if (listed.add(port.protocol() + "/" + port.hostPort())) {
          started.add(new Listing(port, PendingRead.start("conntrack-list",
              () -> tools.connections(family, port.protocol(), port.hostPort()))));
        }
      }
      listings.put(family, started);
    }
    for (IpFamily family : compiled.families()) {
      List<ConntrackEntry> open = new ArrayList<>();
      for (Listing listing : listings.get(family)) {
        try {
          listing.lines().get().stream().map(ConntrackEntry::parse).flatMap(Optional::stream).forEach(open::add);
        } catch (CommandFailed e) {
          notes.add("cannot list the open connections to " + listing.port().endpoint() + ": " + e.getMessage());
        }
      }
      List<ConntrackEntry> forbidden = ForbiddenFlows.select(compiled, facts, open);
      for (int i = 0; i < forbidden.size(); i++) {
        ConntrackEntry e = forbidden.get(i);
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
          notes.add(uncut(forbidden.size() - i, "the clean-up ran out of its " + BUDGET.toSeconds() + " s"));
          break;
        }
        try {
          if (tools.deleteConnection(family, e.protocol(), e.originalSource().toCanonicalString(),
              e.originalDestination().toCanonicalString(), e.originalSourcePort(), e.originalDestinationPort(),
              left.compareTo(EACH) < 0 ? left : EACH)) {
            cut++;
          }
        } catch (CommandFailed failed) {
          // The rules are in force already: a conntrack that fails or hangs must not turn a done change into a failed one.
          notes.add(uncut(forbidden.size() - i, failed.getMessage()));
          break;
        }
      }
    }
    return new Result(cut, notes);
  }

  /** One port's connection listing, running. */
  private record Listing(ProtectedPort port, PendingRead<List<String>> lines) {}

  private static String uncut(int left, String why) {
    return left + " open connection" + (left == 1 ? "" : "s") + " the policy forbids could not be cut (" + why + "): "
        + (left == 1 ? "it stays" : "they stay") + " open until " + (left == 1 ? "it closes" : "they close")
        + "; new ones are refused";
  }

}
