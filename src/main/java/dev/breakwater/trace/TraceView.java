package dev.breakwater.trace;

import dev.breakwater.netfilter.Rule;
import dev.breakwater.reach.AttackerChoice;
import dev.breakwater.reach.Delivery;
import dev.breakwater.reach.Hint;
import dev.breakwater.reach.NatStep;
import dev.breakwater.reach.TcpFlagBits;
import dev.breakwater.reach.Trace;
import dev.breakwater.reach.TraceStep;
import dev.breakwater.reach.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The JSON contract of {@code trace --format json}, and its text form. */
public record TraceView(
    Map<String, Object> packet,
    String verdict,
    Optional<Map<String, Object>> deliveredTo,
    Optional<RuleView> decidedBy,
    String decision,
    Optional<String> nat,
    List<StepView> path,
    List<String> uncertainBecause,
    List<HintView> hints,
    List<String> needs) {

  record RuleView(String table, String chain, int position, int line, String rule) {
    public static RuleView of(Rule rule) {
      return new RuleView(rule.tableLabel(), rule.chain(), rule.position(), rule.line(), rule.text());
    }
  }

  record StepView(String hook, String step, Optional<RuleView> rule) {}

  record HintView(String code, String message, RuleView rule) {}

  public static TraceView of(Trace trace) {
    var p = trace.packet();
    Map<String, Object> packet = ordered(
        "source", p.source().toString(),
        "destination", p.destination().toString(),
        "protocol", p.protocol().label(),
        "sourcePort", p.sourcePort(),
        "destinationPort", p.destinationPort(),
        "inInterface", p.inInterface());
    if (p.protocol() == dev.breakwater.net.Transport.TCP) {
      packet.put("tcpFlags", TcpFlagBits.names(p.tcpFlags()));
    }
    if (!p.headers().present().isEmpty()) {
      // Only when the sender's best choice carries IPv6 extension headers: the plain packet has none.
      packet.put("extensionHeaders", p.headers().describe(p.headers().satisfied()));
    }
    if (p.headers().ipv4Options() != 0) {
      // Only when the sender's best choice carries IPv4 options (a rule let only those in).
      packet.put("ipv4Options", p.headers().describe(Set.of()));
    }
    Optional<Map<String, Object>> delivered = trace.delivery().map(d -> switch (d) {
      case Delivery.HostSocket h -> ordered("kind", "host", "address", h.address().toString(), "port", h.port());
      case Delivery.Forwarded f -> f.container().isPresent()
          ? ordered("kind", "container", "container", f.container().get(),
              "address", f.address().toString(), "port", f.port(), "outInterface", f.outInterface())
          : ordered("kind", "forwarded", "address", f.address().toString(), "port", f.port(),
              "outInterface", f.outInterface());
    });
    List<StepView> path = trace.path().stream().map(TraceView::step).toList();
    List<String> uncertain = switch (trace.verdict()) {
      case Verdict.PossiblyReachable pr -> java.util.stream.Stream.concat(
          pr.uncertainBecause().stream().map(r -> r.citation() + ": " + r.text()), pr.reasons().stream()).toList();
      default -> List.of();
    };
    return new TraceView(packet, trace.verdict().label(), delivered, trace.decidedBy().map(RuleView::of),
        trace.decision(), trace.nat().map(NatStep::describe), path, uncertain,
        trace.hints().stream().map(h -> new HintView(h.code(), h.message(), RuleView.of(h.rule()))).toList(),
        trace.needs().stream().map(AttackerChoice::describe).toList());
  }

  /** Keys in the order given, so the JSON reads the same on every run. */
  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static StepView step(TraceStep step) {
    return switch (step) {
      case TraceStep.RuleMatched m -> new StepView(m.hook(), m.describe(), Optional.of(RuleView.of(m.rule())));
      case TraceStep.PolicyApplied pa -> new StepView(pa.hook(), pa.describe(), Optional.empty());
      case TraceStep.Routed r -> new StepView("routing", r.describe(), Optional.empty());
      case TraceStep.Answer a -> new StepView("answer", a.describe(), Optional.empty());
    };
  }

  public static String text(Trace trace) {
    TraceView view = of(trace);
    var p = trace.packet();
    StringBuilder out = new StringBuilder();
    out.append(p.protocol().label()).append(' ').append(Delivery.endpoint(p.source(), p.sourcePort()))
        .append(" -> ").append(Delivery.endpoint(p.destination(), p.destinationPort()))
        .append(" arriving on ").append(p.inInterface().isEmpty() ? "(no interface)" : p.inInterface())
        .append(p.protocol() == dev.breakwater.net.Transport.TCP && p.tcpFlags() != TcpFlagBits.SYN
            ? " (flags " + TcpFlagBits.names(p.tcpFlags()) + ")" : "")
        .append(p.headers().present().isEmpty() && p.headers().ipv4Options() == 0 ? ""
            : " (with " + p.headers().describe(p.headers().satisfied()) + ")")
        .append("\n\n");
    for (TraceStep step : trace.path()) {
      out.append("  ").append(step.describe()).append('\n');
    }
    trace.nat().ifPresent(n -> out.append("\n  NAT: ").append(n.describe()).append('\n'));
    out.append('\n').append(switch (trace.verdict()) {
      case Verdict.Reachable r -> "REACHABLE";
      case Verdict.Blocked b -> "BLOCKED";
      case Verdict.PossiblyReachable pr -> "POSSIBLY REACHABLE";
    });
    trace.delivery().ifPresent(d -> out.append(": delivered to ").append(d.describe()));
    out.append('\n');
    if (!trace.decision().isEmpty()) {
      out.append("  decided by ").append(trace.decision()).append('\n');
    }
    trace.decidedBy().ifPresent(r -> out.append("  ").append(r.text()).append('\n'));
    for (String n : view.needs()) {
      out.append("  ").append(n).append('\n');
    }
    for (String u : view.uncertainBecause()) {
      out.append("  uncertain because ").append(u).append('\n');
    }
    for (Hint hint : trace.hints()) {
      out.append("\nhint (").append(hint.code()).append("): ").append(hint.message()).append('\n')
          .append("  ").append(hint.rule().citation()).append(": ").append(hint.rule().text()).append('\n');
    }
    return out.toString();
  }
}
