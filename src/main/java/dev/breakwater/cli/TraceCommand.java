package dev.breakwater.cli;

import dev.breakwater.gather.Facts;
import dev.breakwater.trace.TraceView;

import dev.breakwater.host.HostFacts;
import dev.breakwater.host.NetworkInterface;
import dev.breakwater.net.AddressInput;
import dev.breakwater.net.Transport;
import dev.breakwater.reach.Packet;
import dev.breakwater.reach.Reachability;
import dev.breakwater.reach.TcpFlagBits;
import dev.breakwater.reach.Trace;
import dev.breakwater.reach.Verdict;
import inet.ipaddr.IPAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "One new connection through the host's firewall: every rule, the NAT, the verdict.",
    description = {
      "Follows the first packet of a connection from --src to --dst:--port as the kernel would: "
          + "raw, mangle and nat PREROUTING (where Docker's DNAT rewrites the destination), the routing "
          + "decision, then INPUT (the host itself, where UFW filters) or FORWARD (a container, where "
          + "DOCKER-USER and Docker's chains decide). It prints every rule that matched, the rule that "
          + "decided with its line in iptables-save, and a hint when a well-known mistake explains the "
          + "result.",
      "",
      "For IPv6 the extension headers (hop-by-hop, destination options, routing, fragment) are always the "
          + "sender's choice: rules on them (ufw6's -m rt --rt-type 0 -j DROP, -m ipv6header, -m frag) narrow or "
          + "widen the answer exactly, and the trace says which headers get through when a plain packet does not.",
      "",
      "Without --from it traces against this host's live rules (needs root)."
    },
    footer = {
      "",
      "Examples:",
      "  breakwater trace --from ./snap --src 198.51.100.66 --port 3306",
      "  breakwater trace --from ./snap --src 198.51.100.66 --port 3306 --sport 443 --tcp-flags SYN,PSH",
      "  breakwater trace --from ./snap --src 2001:db8::66 --dst 2001:db8::1 --port 6379/tcp --format json",
      "  sudo breakwater trace --src 198.51.100.66 --dst 198.51.100.1 --port 53/udp --in eth0",
      "",
      "Exit codes: 0 the connection is blocked, 1 it is reachable or possibly reachable, 2 bad input."
    })
public final class TraceCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--from", paramLabel = "DIR", description = "Trace against this snapshot directory instead of the live host.")
  Path from;

  @Option(names = "--src", paramLabel = "IP", required = true, description = "Where the connection comes from (an address outside the host).")
  String source;

  @Option(names = "--dst", paramLabel = "IP",
      description = "The host address it is sent to. Default: the first address of the ingress interface.")
  String destination;

  @Option(names = "--port", paramLabel = "N[/PROTO]", required = true,
      description = "Destination port, optionally with /tcp (default), /udp or /sctp.")
  String port;

  @Option(names = "--sport", paramLabel = "N",
      description = "Source port. Default: the sender's choice: every port is considered, the trace shows "
          + "40000 unless another port does better, and says which ports get through when not all do.")
  Integer sourcePort;

  @Option(names = "--tcp-flags", paramLabel = "FLAGS",
      description = "Flags of the first TCP packet, a SYN with any of PSH, URG, ECE, CWR (SYN,PSH). Default: the "
          + "sender's choice, as for --sport.")
  String tcpFlags;

  @Option(names = "--in", paramLabel = "IFACE",
      description = "Interface the packet arrives on. Default: the one the host's routes use towards --src.")
  String ingress;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
  OutputFormat format;

  @Override
  public Integer call() {
    IPAddress src = address("--src", source);
    Transport protocol = Transport.TCP;
    String portText = port;
    int slash = port.indexOf('/');
    if (slash >= 0) {
      portText = port.substring(0, slash);
      protocol = Transport.tryParse(port.substring(slash + 1))
          .orElseThrow(() -> new UserError("--port " + port + ": expected tcp, udp or sctp after '/'"));
    }
    int dport = portNumber("--port", portText);
    if (sourcePort != null && (sourcePort < 0 || sourcePort > 65535)) {
      throw new UserError("--sport " + sourcePort + ": expected a port number 0-65535");
    }
    int flags = tcpFlags == null ? TcpFlagBits.SYN : firstPacketFlags(tcpFlags);
    HostFacts facts = from != null ? Facts.fromSnapshot(from) : Facts.fromLiveHost(spec.commandLine().getErr());
    Reachability reachability = Reachability.of(facts);
    String in = ingress != null ? checkedInterface(facts, ingress) : reachability.ingressFor(src);
    IPAddress dst = destination != null ? address("--dst", destination) : defaultDestination(facts, in, src);
    if (dst.isIPv4() != src.isIPv4()) {
      throw new UserError("--src " + src + " and --dst " + dst + " must be of the same family (both IPv4 or both IPv6)");
    }
    Packet packet = new Packet(src, dst, protocol, sourcePort == null ? DEFAULT_SOURCE_PORT : sourcePort, dport, in, flags);
    Trace trace = reachability.traceChoosing(packet, sourcePort == null, tcpFlags == null);
    String rendered = switch (format) {
      case TEXT -> TraceView.text(trace);
      case JSON -> Json.write(TraceView.of(trace));
    };
    spec.commandLine().getOut().print(rendered);
    spec.commandLine().getOut().flush();
    return trace.verdict() instanceof Verdict.Blocked ? ExitCodes.CLEAN : ExitCodes.FINDINGS;
  }

  /** The source port a trace shows when the sender's choice does not matter. */
  static final int DEFAULT_SOURCE_PORT = 40000;

  /** The engine answers for first packets: a SYN that conntrack admits as NEW and a listener answers. */
  private static int firstPacketFlags(String text) {
    int flags;
    try {
      flags = TcpFlagBits.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UserError("--tcp-flags " + text + ": " + e.getMessage());
    }
    if (!TcpFlagBits.opensConnection(flags)) {
      throw new UserError("--tcp-flags " + text + ": not a first packet that opens a connection; expected SYN with any"
          + " of PSH, URG, ECE, CWR (SYN,FIN and SYN,RST are invalid to conntrack, a listener resets SYN,ACK)");
    }
    return flags;
  }

  static IPAddress address(String option, String text) {
    try {
      return AddressInput.address(text.trim());
    } catch (IllegalArgumentException e) {
      throw new UserError(option + " " + text + ": " + e.getMessage());
    }
  }

  static int portNumber(String option, String text) {
    try {
      int n = Integer.parseInt(text.trim());
      if (n >= 1 && n <= 65535) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UserError(option + " " + text + ": expected a port number 1-65535, optionally followed by /tcp or /udp");
  }

  private static String checkedInterface(HostFacts facts, String name) {
    if (facts.interfaces().stream().noneMatch(i -> i.name().equals(name))) {
      throw new UserError("--in " + name + ": the host has no such interface (it has "
          + String.join(", ", facts.interfaces().stream().map(NetworkInterface::name).toList()) + ")");
    }
    return name;
  }

  private static IPAddress defaultDestination(HostFacts facts, String in, IPAddress src) {
    return facts.interfaces().stream()
        .filter(i -> i.name().equals(in))
        .flatMap(i -> i.addresses().stream())
        .filter(a -> a.isIPv4() == src.isIPv4() && !a.isLinkLocal())
        .map(IPAddress::withoutPrefixLength)
        .findFirst()
        .orElseThrow(() -> new UserError("interface " + in + " has no " + (src.isIPv4() ? "IPv4" : "IPv6")
            + " address to send to: give --dst"));
  }
}
