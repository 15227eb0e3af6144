package dev.breakwater.netfilter;

import dev.breakwater.net.PortRange;
import dev.breakwater.netfilter.Match.Side;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Writes matches and targets the way iptables-save prints them; the inverse the property tests check. */
final class RuleRendering {
  private RuleRendering() {}

  static String options(List<Match> matches, Target target) {
    StringBuilder sb = new StringBuilder();
    for (Match m : matches) {
      sb.append(' ').append(match(m));
    }
    String t = target(target);
    if (!t.isEmpty()) {
      sb.append(' ').append(t);
    }
    return sb.toString();
  }

  private static String not(boolean negated) {
    return negated ? "! " : "";
  }

  static String match(Match m) {
    return switch (m) {
      case Match.Address a -> not(a.negated()) + (a.side() == Side.SOURCE ? "-s " : "-d ") + a.prefix();
      case Match.Interface i -> not(i.negated()) + (i.inbound() ? "-i " : "-o ") + i.pattern();
      case Match.Protocol p -> not(p.negated()) + "-p " + p.name();
      case Match.Ports p -> ports(p);
      case Match.ConnectionState c -> "-m conntrack " + not(c.negated()) + "--ctstate " + join(c.states());
      case Match.OriginalAddress o ->
          "-m conntrack " + not(o.negated()) + (o.side() == Side.SOURCE ? "--ctorigsrc " : "--ctorigdst ") + o.prefix();
      case Match.OriginalPort o -> "-m conntrack " + not(o.negated())
          + (o.side() == Side.SOURCE ? "--ctorigsrcport " : "--ctorigdstport ") + colon(o.range());
      case Match.ConntrackDirection d -> "-m conntrack --ctdir " + (d.original() ? "ORIGINAL" : "REPLY");
      case Match.AddressTypeMatch a -> "-m addrtype " + not(a.negated())
          + (a.side() == Side.SOURCE ? "--src-type " : "--dst-type ") + join(a.types())
          + switch (a.limit()) {
            case NONE -> "";
            case IN -> " --limit-iface-in";
            case OUT -> " --limit-iface-out";
          };
      case Match.Comment c -> "-m comment --comment " + quote(c.text());
      case Match.TcpFlags f -> "-m tcp " + not(f.negated()) + "--tcp-flags " + flags(f.mask()) + " " + flags(f.set());
      case Match.IcmpType i -> "-m icmp " + not(i.negated()) + "--icmp-type " + i.type();
      case Match.Fragment f -> not(f.negated()) + "-f";
      case Match.IpSet s -> "-m set " + not(s.negated()) + "--match-set " + s.setName() + " "
          + s.flags().stream().map(x -> x == Side.SOURCE ? "src" : "dst").collect(Collectors.joining(","));
      case Match.AnyOf a -> throw new IllegalArgumentException("iptables has no nft set: " + a);
      case Match.Mark k -> (k.kind() == Match.MarkKind.PACKET ? "-m mark " : "-m connmark ") + not(k.negated())
          + "--mark 0x" + Long.toHexString(k.value()) + "/0x" + Long.toHexString(k.mask());
      case Match.ExtensionHeader h -> "-m " + switch (h.test()) {
        case FIELDS -> switch (h.kinds().iterator().next()) {
          case ROUTING -> "rt";
          case FRAGMENT -> "frag";
          case HOP_BY_HOP -> "hbh";
          case DESTINATION_OPTIONS -> "dst";
          case AUTHENTICATION -> "ah";
          default -> "esp";
        };
        default -> "ipv6header";
      } + (h.text().isEmpty() ? "" : " " + h.text());
      case Match.Ipv4Options o -> "-m ipv4options " + o.text();
      case Match.Unknown u -> "-m " + u.module() + " " + u.text();
    };
  }

  private static String ports(Match.Ports p) {
    if (p.field() != Match.PortField.EITHER && p.ranges().size() == 1) {
      return "-m tcp " + not(p.negated()) + (p.field() == Match.PortField.SOURCE ? "--sport " : "--dport ")
          + colon(p.ranges().get(0));
    }
    String option = switch (p.field()) {
      case SOURCE -> "--sports ";
      case DESTINATION -> "--dports ";
      case EITHER -> "--ports ";
    };
    return "-m multiport " + not(p.negated()) + option
        + p.ranges().stream().map(RuleRendering::colon).collect(Collectors.joining(","));
  }

  private static String colon(PortRange r) {
    return r.isSingle() ? Integer.toString(r.first()) : r.first() + ":" + r.last();
  }

  private static String join(Set<? extends Enum<?>> values) {
    return values.stream().map(Enum::name).sorted().collect(Collectors.joining(","));
  }

  private static String flags(Set<String> flags) {
    return flags.isEmpty() ? "NONE" : flags.stream().sorted().collect(Collectors.joining(","));
  }

  /** iptables-save's quoting: backslash before a quote or a backslash. */
  static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static String target(Target t) {
    return switch (t) {
      case Target.Accept a -> "-j ACCEPT";
      case Target.Drop d -> "-j DROP";
      case Target.Return r -> "-j RETURN";
      case Target.Reject r -> "-j REJECT" + (r.with().isEmpty() ? "" : " --reject-with " + r.with());
      case Target.Jump j -> "-j " + j.chain();
      case Target.Goto g -> "-g " + g.chain();
      case Target.Dnat d -> "-j DNAT " + d.text();
      case Target.Redirect r -> "-j REDIRECT" + r.ports().map(p -> " --to-ports " + p.first() + "-" + p.last()).orElse("");
      case Target.SourceNat s -> "-j " + s.name() + (s.text().isEmpty() ? "" : " " + s.text());
      case Target.Continue c -> c.name().isEmpty() ? "" : "-j " + c.name() + (c.text().isEmpty() ? "" : " " + c.text());
      case Target.SetMark m -> "-j " + m.text();
      case Target.Netmap n -> "-j NETMAP " + n.text();
      case Target.Unknown u -> "-j " + u.name() + (u.text().isEmpty() ? "" : " " + u.text());
    };
  }
}
