package dev.breakwater.firewall;

import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.ConntrackEntry;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.ForbiddenFlows;
import dev.breakwater.policy.ProtectedPort;
import dev.breakwater.system.CommandFailed;
import dev.breakwater.system.NetfilterTools;
import java.util.ArrayList;
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

  public static Result cut(NetfilterTools tools, CompiledPolicy compiled, HostFacts facts) {
    if (!NetfilterTools.Tool.CONNTRACK.installed()) {
      return new Result(0, List.of("conntrack is not installed: connections opened before this change stay open until they"
          + " close (install the conntrack package to have them cut)"));
    }
    List<String> notes = new ArrayList<>();
    int cut = 0;
    for (IpFamily family : compiled.families()) {
      Set<String> listed = new LinkedHashSet<>();
      List<ConntrackEntry> open = new ArrayList<>();
      for (ProtectedPort port : ForbiddenFlows.portsOf(compiled, family)) {
        if (!listed.add(port.protocol() + "/" + port.hostPort())) {
          continue;
        }
        try {
          tools.connections(family, port.protocol(), port.hostPort()).stream()
              .map(ConntrackEntry::parse).flatMap(Optional::stream).forEach(open::add);
        } catch (CommandFailed e) {
          notes.add("cannot list the open connections to " + port.endpoint() + ": " + e.getMessage());
        }
      }
      for (ConntrackEntry e : ForbiddenFlows.select(compiled, facts, open)) {
        if (tools.deleteConnection(family, e.protocol(), e.originalSource().toCanonicalString(),
            e.originalDestination().toCanonicalString(), e.originalSourcePort(), e.originalDestinationPort())) {
          cut++;
        }
      }
    }
    return new Result(cut, notes);
  }

}
