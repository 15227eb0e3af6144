package dev.breakwater.reach;

import dev.breakwater.host.Container;
import dev.breakwater.host.HostListener;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.netfilter.Rule;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who reaches a socket of the host itself ({@code ss -Htulnp}): the symbolic answer of
 * {@link Reachability#exposures()}, asked for a local socket instead of a publication. The
 * packet's destination is the bound address (every non-loopback host address of the family for
 * {@code 0.0.0.0} and {@code ::}; both families for ss's {@code *}), its protocol and port are
 * the socket's; nothing DNATs it, so it is delivered locally and INPUT (UFW) decides.
 *
 * <p>A socket bound to a device ({@code 127.0.0.53%lo}, {@code SO_BINDTODEVICE}) takes only
 * packets that arrive on that device (socket(7)): every other ingress is blocked for it.
 */
public final class ListenerReach {
  private final Reachability reach;
  private final ExposureAnalysis analysis;

  private ListenerReach(Reachability reach) {
    this.reach = reach;
    this.analysis = new ExposureAnalysis(reach);
  }

  public static ListenerReach of(Reachability reach) {
    return new ListenerReach(reach);
  }

  /**
   * The sources outside the host that reach {@code listener}, per ingress and family, as one
   * {@link PortReach} whose container is the listening process on the host network and whose
   * port is the socket's address and port (for {@code *}: {@code ::}, with IPv4 classes too).
   */
  public PortReach analyse(HostListener listener) {
    Container process = new Container("", listener.processName().isEmpty() ? "(unknown process)" : listener.processName(),
        "", Map.of(), "host", List.of(), List.of(), List.of(), List.of());
    List<SourceClass> classes = new ArrayList<>();
    Set<Rule> uncertain = new LinkedHashSet<>();
    Set<ReachNote> notes = new LinkedHashSet<>();
    for (IPAddress destination : listener.destinations()) {
      PublishedPort socket = new PublishedPort(destination, listener.port(), listener.port(), listener.protocol(),
          Optional.empty());
      PortReach one = analysis.analyse(process, socket);
      for (SourceClass c : one.classes()) {
        classes.add(listener.device().isEmpty() || listener.device().get().equals(c.ingress()) ? c
            : new SourceClass(c.ingress(), c.family(), c.sources(), Verdict.BLOCKED, Optional.empty(),
                "the socket is bound to device " + listener.device().get() + " and takes no packet arriving on "
                    + c.ingress()));
      }
      uncertain.addAll(one.uncertainBecause());
      // The publication's note about network_mode: host says what this answer already is.
      one.notes().stream().filter(n -> !(n instanceof ReachNote.HostNetworking)).forEach(notes::add);
    }
    PublishedPort shown = new PublishedPort(listener.address(), listener.port(), listener.port(), listener.protocol(),
        Optional.empty());
    return new PortReach(process, shown, classes, List.copyOf(uncertain), List.copyOf(notes));
  }
}
