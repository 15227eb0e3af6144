package dev.breakwater.netfilter;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.PortRange;
import inet.ipaddr.IPAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Turns {@code -j NAME [options]} into a {@link Target}. */
final class TargetParser {
  /**
   * Targets that act (log, mark, set conntrack options) and let the packet go on to the next
   * rule. Beyond the usual LOG/MARK/CT family this includes the other non-terminating targets of
   * the iptables-extensions man page, so they are not reported as unknown.
   */
  private static final Set<String> CONTINUING = Set.of(
      "LOG", "NFLOG", "ULOG", "TRACE", "MARK", "CONNMARK", "CT", "NOTRACK", "AUDIT", "CHECKSUM", "TCPMSS",
      "TOS", "DSCP", "CLASSIFY", "SECMARK", "CONNSECMARK", "TTL", "HL", "ECN", "IDLETIMER", "LED", "HMARK",
      "TEE", "SET", "TCPOPTSTRIP", "TPROXY_MARK");

  private static final Target ACCEPT = new Target.Accept();
  private static final Target DROP = new Target.Drop();
  private static final Target RETURN = new Target.Return();

  private final AddressParser addresses;
  private final StringPool strings;

  TargetParser(AddressParser addresses, StringPool strings) {
    this.addresses = addresses;
    this.strings = strings;
  }

  /**
   * @param options the target's options, in order
   * @param text the options as written, for {@link Target.Continue}, {@link Target.Unknown} and NAT
   */
  Target target(String name, List<OptionEntry> options, String optionText) {
    String text = strings.of(optionText);
    return switch (name) {
      case "ACCEPT" -> ACCEPT;
      case "DROP" -> DROP;
      case "RETURN" -> RETURN;
      case "REJECT" -> new Target.Reject(strings.of(optionValue(options, "--reject-with").orElse("")));
      case "DNAT" -> dnat(options, text);
      case "REDIRECT" -> new Target.Redirect(
          optionValue(options, "--to-ports").map(p -> ModuleMatches.portRange("--to-ports", p)));
      case "SNAT", "MASQUERADE" -> new Target.SourceNat(name, text);
      case "MARK", "CONNMARK" -> mark(name, options, text);
      case "NETMAP" -> new Target.Netmap(addresses.prefix(optionValue(options, "--to")
          .orElseThrow(() -> new RuleSyntaxError("--to ADDRESS/PREFIX after -j NETMAP"))), text);
      default -> CONTINUING.contains(name) ? new Target.Continue(name, text) : new Target.Unknown(name, text);
    };
  }

  /**
   * MARK and CONNMARK as iptables-save prints them (it rewrites --set-mark, --and-mark, --or-mark
   * and --xor-mark to {@code --set-xmark V/M}: xt_MARK's {@code mark = (mark & ~M) ^ V}); CONNMARK's
   * {@code --save-mark}/{@code --restore-mark} with whole masks copy one mark to the other
   * (xt_connmark.c). Any other form stays a {@link Target.Continue}, and the walk then no longer
   * knows that mark.
   */
  private Target mark(String name, List<OptionEntry> options, String text) {
    Match.MarkKind kind = name.equals("MARK") ? Match.MarkKind.PACKET : Match.MarkKind.CONNECTION;
    if (options.size() == 1 && !options.get(0).negated()) {
      OptionEntry e = options.get(0);
      // libxt_MARK / libxt_CONNMARK turn each form into set-xmark's (value, mask) as below.
      long[] vm = switch (e.name()) {
        case "--set-xmark" -> ModuleMatches.markValue(e.single(), e.name());
        case "--set-mark" -> {
          long[] given = ModuleMatches.markValue(e.single(), e.name());
          yield new long[] {given[0], given[0] | given[1]};
        }
        case "--and-mark" -> new long[] {0, ~ModuleMatches.markValue(e.single(), e.name())[0] & 0xffffffffL};
        case "--or-mark" -> {
          long v = ModuleMatches.markValue(e.single(), e.name())[0];
          yield new long[] {v, v};
        }
        case "--xor-mark" -> new long[] {ModuleMatches.markValue(e.single(), e.name())[0], 0};
        default -> null;
      };
      if (vm != null) {
        return new Target.SetMark(kind, kind, vm[1], vm[0], strings.of(name + " " + text));
      }
    }
    if (kind == Match.MarkKind.CONNECTION && options.size() >= 1 && wholeMasks(options.subList(1, options.size()))) {
      switch (options.get(0).name()) {
        case "--save-mark" -> {
          return new Target.SetMark(Match.MarkKind.CONNECTION, Match.MarkKind.PACKET, 0, 0, strings.of(name + " " + text));
        }
        case "--restore-mark" -> {
          return new Target.SetMark(Match.MarkKind.PACKET, Match.MarkKind.CONNECTION, 0, 0, strings.of(name + " " + text));
        }
        default -> { }
      }
    }
    return new Target.Continue(name, text);
  }

  private static boolean wholeMasks(List<OptionEntry> masks) {
    for (OptionEntry e : masks) {
      if (!(e.name().equals("--nfmask") || e.name().equals("--ctmask") || e.name().equals("--mask"))
          || !e.single().equalsIgnoreCase("0xffffffff")) {
        return false;
      }
    }
    return true;
  }

  private static Optional<String> optionValue(List<OptionEntry> options, String name) {
    for (OptionEntry e : options) {
      if (e.name().equals(name)) {
        return Optional.of(e.single());
      }
    }
    return Optional.empty();
  }

  private Target dnat(List<OptionEntry> options, String text) {
    String to = optionValue(options, "--to-destination")
        .orElseThrow(() -> new RuleSyntaxError("--to-destination after -j DNAT"));
    try {
      return dnatTo(to, text);
    } catch (RuleSyntaxError e) {
      throw new RuleSyntaxError(e.getMessage() + " in --to-destination '" + to
          + "' (address[-address][:port[-port]])");
    }
  }

  /**
   * {@code 172.17.0.2:80}, {@code 10.0.0.1-10.0.0.9:8000-8010}, {@code :8080} (port only),
   * {@code [2001:db8::2]:80} or a bare IPv6 address; a {@code /base} after a port range (the
   * kernel's shifted mapping) is kept in the text only.
   */
  private Target dnatTo(String to, String text) {
    String addressPart;
    String portPart = null;
    if (addresses.family() == IpFamily.V6 && to.startsWith("[")) {
      int close = to.indexOf(']');
      if (close < 0) {
        throw new RuleSyntaxError("a ']' closing the IPv6 address");
      }
      addressPart = to.substring(1, close);
      String rest = to.substring(close + 1);
      if (!rest.isEmpty()) {
        if (rest.charAt(0) != ':') {
          throw new RuleSyntaxError("':port' after ']'");
        }
        portPart = rest.substring(1);
      }
    } else if (addresses.family() == IpFamily.V6) {
      addressPart = to;
    } else {
      int colon = to.indexOf(':');
      addressPart = colon < 0 ? to : to.substring(0, colon);
      portPart = colon < 0 ? null : to.substring(colon + 1);
    }
    Optional<IPAddress> first = Optional.empty();
    Optional<IPAddress> last = Optional.empty();
    if (!addressPart.isEmpty()) {
      int dash = addressPart.indexOf('-');
      IPAddress a = addresses.host(dash < 0 ? addressPart : addressPart.substring(0, dash));
      IPAddress b = dash < 0 ? a : addresses.host(addressPart.substring(dash + 1));
      first = Optional.of(a);
      last = Optional.of(b);
    }
    Optional<PortRange> ports = Optional.empty();
    if (portPart != null) {
      int slash = portPart.indexOf('/');
      String range = slash < 0 ? portPart : portPart.substring(0, slash);
      try {
        ports = Optional.of(PortRange.parse(range));
      } catch (IllegalArgumentException ex) {
        throw new RuleSyntaxError("a port or port range, got '" + portPart + "'");
      }
    }
    if (first.isEmpty() && ports.isEmpty()) {
      throw new RuleSyntaxError("an address or a port");
    }
    return new Target.Dnat(first, last, ports, text);
  }
}
