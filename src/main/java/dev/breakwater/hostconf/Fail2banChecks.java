package dev.breakwater.hostconf;

import dev.breakwater.catalog.Severity;
import dev.breakwater.net.Transport;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An enabled fail2ban jail that bans in INPUT while the port it guards is a published container
 * port protects nothing for the container: Docker's DNAT sends the connection through FORWARD, so
 * the ban rule never sees it (DESIGN.md; fail2ban's {@code action.d/iptables.conf}: {@code chain =
 * INPUT}). The finding names the line that enables the jail and says the chain to use. A jail
 * whose {@code protocol} is not the published port's (udp for a tcp port), or {@code all} with an
 * action iptables refuses it for, protects nothing either: that finding names the protocol line.
 */
public final class Fail2banChecks {
  public static final String INPUT_CHAIN = "fail2ban-input-chain";
  /** A jail whose {@code protocol} keeps its ban from the published port it names. */
  public static final String PROTOCOL = "fail2ban-protocol";
  private static final Pattern ACTION_CHAIN = Pattern.compile("chain\\s*=\\s*\"?([A-Za-z0-9_.-]+)");
  /** The /etc/services names jails use, with their ports. */
  private static final Map<String, Integer> SERVICES = Map.ofEntries(
      Map.entry("ssh", 22), Map.entry("ftp", 21), Map.entry("smtp", 25), Map.entry("domain", 53),
      Map.entry("http", 80), Map.entry("pop3", 110), Map.entry("imap", 143), Map.entry("https", 443),
      Map.entry("smtps", 465), Map.entry("submission", 587), Map.entry("imaps", 993), Map.entry("pop3s", 995),
      Map.entry("mysql", 3306), Map.entry("postgresql", 5432), Map.entry("http-alt", 8080),
      Map.entry("redis", 6379), Map.entry("mongodb", 27017), Map.entry("ftp-data", 20));

  private Fail2banChecks() {}

  public static List<HostConfigFinding> of(JailConfig config, List<ContainerPublish> published) {
    List<HostConfigFinding> out = new ArrayList<>();
    for (String jail : config.jails()) {
      Optional<JailConfig.Setting> enabled = config.get(jail, "enabled");
      if (enabled.isEmpty() || !truthy(enabled.get().value())) {
        continue;
      }
      Optional<Ports> ports = config.get(jail, "port").map(s -> Ports.parse(s.value()));
      List<ContainerPublish> named = published.stream()
          .filter(p -> ports.map(set -> set.contains(p.hostPort())).orElse(false)).toList();
      if (named.isEmpty()) {
        continue;
      }
      String banaction = config.get(jail, "banaction").map(JailConfig.Setting::value).orElse("iptables-multiport");
      Optional<JailConfig.Setting> protocolSetting = config.get(jail, "protocol");
      Protocols protocols = Protocols.parse(protocolSetting.map(JailConfig.Setting::value).orElse("tcp"));
      ConfigPlace protocolAt = protocolSetting.map(JailConfig.Setting::place).orElse(enabled.get().place());
      if (protocols.all() && needsOneProtocol(banaction)) {
        out.add(allWithPortMatch(jail, protocolAt, banaction, named));
        continue;
      }
      List<ContainerPublish> guarded = named.stream().filter(p -> protocols.contains(p.protocol())).toList();
      if (guarded.isEmpty()) {
        out.add(otherProtocol(jail, protocolAt, protocols, named));
        continue;
      }
      String chain = chain(config, jail);
      if (!bansInInput(banaction, chain)) {
        continue;
      }
      out.add(finding(jail, enabled.get().place(), banaction, chain, guarded));
    }
    return out;
  }

  /**
   * iptables' port-matching actions ({@code iptables-multiport}, {@code iptables}) write
   * {@code -p <protocol> -m multiport --dports <port>} (or {@code --dport}): a port match needs one
   * protocol, and iptables refuses {@code -p all} with it (libxt_multiport: "multiport needs `-p
   * tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'"). {@code iptables-allports} matches no
   * port, so {@code all} is fine there.
   */
  private static boolean needsOneProtocol(String banaction) {
    String action = banaction.strip().toLowerCase(Locale.ROOT);
    return action.startsWith("iptables") && !action.contains("allports");
  }

  private static HostConfigFinding allWithPortMatch(String jail, ConfigPlace at, String banaction,
      List<ContainerPublish> named) {
    return new HostConfigFinding(PROTOCOL, Severity.HIGH, at,
        "fail2ban jail [" + jail + "] sets 'protocol = all' with banaction " + banaction + ", whose rule matches ports:"
            + " iptables refuses '-p all -m multiport' (\"multiport needs -p tcp, -p udp, ...\"), so the action"
            + " fails to start and the jail bans nobody, on port " + names(named) + " or anywhere else",
        "in [" + jail + "] set 'protocol = tcp' (a second jail with 'protocol = udp' for UDP), or 'banaction ="
            + " iptables-allports' to ban every protocol; for a published container port also 'chain = DOCKER-USER'");
  }

  private static HostConfigFinding otherProtocol(String jail, ConfigPlace at, Protocols protocols,
      List<ContainerPublish> named) {
    String transports = named.stream().map(p -> p.protocol().label()).distinct().collect(Collectors.joining(" and "));
    return new HostConfigFinding(PROTOCOL, Severity.MEDIUM, at,
        "fail2ban jail [" + jail + "] bans only " + protocols.text() + ", but port " + names(named) + " it names is"
            + " published over " + transports + ": its ban rule never matches those connections, so a banned address"
            + " still reaches the container (unless the jail is for a host service on the same number)",
        "in [" + jail + "] set 'protocol = " + named.stream().map(p -> p.protocol().label()).distinct()
            .collect(Collectors.joining(",")) + "' (iptables' multiport actions take one protocol: one jail per"
            + " protocol), and for a published container port 'chain = DOCKER-USER'");
  }

  private static String names(List<ContainerPublish> ports) {
    return ports.stream().map(ContainerPublish::named).distinct().collect(Collectors.joining(", "));
  }

  /** The chain the jail's action bans in: {@code chain=} in its {@code action}, else its {@code chain}, else INPUT. */
  private static String chain(JailConfig config, String jail) {
    Optional<String> inAction = config.get(jail, "action").map(JailConfig.Setting::value)
        .flatMap(action -> {
          Matcher m = ACTION_CHAIN.matcher(action);
          return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        });
    String chain = inAction.or(() -> config.get(jail, "chain").map(JailConfig.Setting::value)).orElse("INPUT");
    // jail.conf 0.10+: chain = <known/chain>, the action's own default, which is INPUT.
    return chain.startsWith("<") ? "INPUT" : chain;
  }

  /**
   * iptables actions ban in their {@code chain}; nftables, ufw and firewalld actions at the input
   * hook or in INPUT (their action.d files); other actions (route, blackhole) are not judged.
   */
  private static boolean bansInInput(String banaction, String chain) {
    String action = banaction.strip().toLowerCase(Locale.ROOT);
    if (action.startsWith("iptables")) {
      return chain.equalsIgnoreCase("INPUT");
    }
    return action.startsWith("nftables") || action.startsWith("ufw") || action.startsWith("firewallcmd");
  }

  private static HostConfigFinding finding(String jail, ConfigPlace at, String banaction, String chain,
      List<ContainerPublish> guarded) {
    Set<String> ports = new LinkedHashSet<>();
    Set<String> targets = new LinkedHashSet<>();
    for (ContainerPublish p : guarded) {
      ports.add(p.named());
      targets.add(Integer.toString(p.containerPort()));
    }
    String where = banaction.startsWith("iptables") ? "chain " + chain : banaction + "'s input hook";
    return new HostConfigFinding(INPUT_CHAIN, Severity.HIGH, at,
        "fail2ban jail [" + jail + "] bans in " + where + ", but port " + String.join(", ", ports)
            + " is a published container port: Docker's DNAT sends those connections through FORWARD, so a banned"
            + " address still reaches the container",
        "in [" + jail + "] set 'banaction = iptables-multiport' and 'chain = DOCKER-USER' (or BREAKWATER, Breakwater's"
            + " chain) with 'port = " + String.join(",", targets) + "': in DOCKER-USER the packet already carries the"
            + " container's port after DNAT; keep a second jail in INPUT for services on the host itself");
  }

  private static boolean truthy(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1", "on" -> true;
      default -> false;
    };
  }

  /**
   * A jail's {@code protocol}: one name, or a comma-separated list (the nftables actions loop over
   * it), or {@code all}. jail.conf's {@code [DEFAULT]} sets {@code protocol = tcp}, and so do the
   * actions' own {@code [Init]} sections: tcp when nothing says otherwise.
   */
  record Protocols(boolean all, Set<Transport> transports, String text) {
    static Protocols parse(String text) {
      String t = text.strip().toLowerCase(Locale.ROOT);
      if (t.equals("all")) {
        return new Protocols(true, EnumSet.allOf(Transport.class), t);
      }
      Set<Transport> transports = EnumSet.noneOf(Transport.class);
      for (String item : t.split("[,\\s]+")) {
        Transport.tryParse(item).ifPresent(transports::add);
      }
      return new Protocols(false, transports, t);
    }

    boolean contains(Transport transport) {
      return transports.contains(transport);
    }
  }

  /** A jail's {@code port}: numbers, {@code a:b} ranges and service names, comma-separated. */
  record Ports(List<int[]> ranges) {
    static Ports parse(String text) {
      List<int[]> ranges = new ArrayList<>();
      for (String item : text.split("[,\\s]+")) {
        String p = item.strip().toLowerCase(Locale.ROOT);
        if (p.isEmpty()) {
          continue;
        }
        if (p.equals("all") || p.equals("anyport")) {
          ranges.add(new int[] {0, 65535});
          continue;
        }
        int colon = p.indexOf(':');
        Optional<Integer> low = port(colon < 0 ? p : p.substring(0, colon));
        Optional<Integer> high = colon < 0 ? low : port(p.substring(colon + 1));
        if (low.isPresent() && high.isPresent()) {
          ranges.add(new int[] {low.get(), high.get()});
        }
      }
      return new Ports(ranges);
    }

    private static Optional<Integer> port(String text) {
      if (text.matches("\\d{1,5}")) {
        return Optional.of(Integer.parseInt(text));
      }
      return Optional.ofNullable(SERVICES.get(text));
    }

    boolean contains(int port) {
      return ranges.stream().anyMatch(r -> r[0] <= port && port <= r[1]);
    }
  }
}
