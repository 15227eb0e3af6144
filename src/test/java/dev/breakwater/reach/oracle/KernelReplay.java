package dev.breakwater.reach.oracle;

import dev.breakwater.snapshot.SnapshotDirectory;
import dev.breakwater.net.Transport;
import dev.breakwater.reach.Packet;
import dev.breakwater.reach.Reachability;
import dev.breakwater.reach.Trace;
import dev.breakwater.reach.TraceStep;
import inet.ipaddr.IPAddressString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays one ruleset in the oracle's lab: what the kernel and the engine do with the given
 * attempts. For checking a unit test's expectation (KernelFoundTest) or an engine fix against the
 * kernel. As root:
 *
 * <pre>
 * java -cp target/test-classes:target/breakwater.jar dev.breakwater.reach.oracle.KernelReplay \
 *     RULES_FILE SOURCE DESTINATION PORT [SOURCE DESTINATION PORT ...]
 * </pre>
 *
 * RULES_FILE is iptables-restore text for IPv4; its IPv6 twin is loaded too. Sources and
 * destinations are lab addresses ({@link OracleTopology}), IPv4 or their IPv6 twins.
 */
public final class KernelReplay {
  private KernelReplay() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 4 || (args.length - 1) % 3 != 0) {
      System.err.println("usage: KernelReplay RULES_FILE SOURCE DESTINATION PORT [SOURCE DESTINATION PORT ...]");
      System.exit(2);
    }
    String rules = Files.readString(Path.of(args[0]));
    List<ProbeCase> cases = new ArrayList<>();
    int port = 61_100;
    for (int i = 1; i < args.length; i += 3) {
      String destination = args[i + 1];
      String v4 = destination.contains(":") ? OracleTopology.SOURCES.get(0) : destination;
      String ingress = destination.startsWith("2001:db8:7:") ? OracleTopology.SECOND_OUTSIDE : OracleTopology.ingressFor(v4);
      cases.add(new ProbeCase(args[i], port++, destination, Integer.parseInt(args[i + 2]), ingress));
    }
    Path snapshot = Files.createTempDirectory("bwo-replay-");
    try (KernelLab lab = KernelLab.up()) {
      // iptables-restore replaces only the tables its input names: empty them all first.
      lab.load(LabRulesetGenerator.EMPTY);
      lab.load(rules);
      lab.snapshot(snapshot);
      Reachability engine = Reachability.of(SnapshotDirectory.read(snapshot));
      List<KernelOutcome> kernel = lab.probe(cases);
      for (int i = 0; i < cases.size(); i++) {
        ProbeCase c = cases.get(i);
        Trace t = engine.trace(new Packet(new IPAddressString(c.source()).getAddress(),
            new IPAddressString(c.destination()).getAddress(), Transport.TCP, c.sourcePort(), c.destinationPort(),
            c.inInterface()));
        System.out.println(c.describe() + ": kernel " + kernel.get(i) + " (" + (kernel.get(i).reached() ? "reached" : "blocked")
            + "), engine " + t.verdict().label());
        t.nat().ifPresent(n -> System.out.println("    nat: " + n.describe()));
        for (TraceStep step : t.path()) {
          System.out.println("    " + step.describe());
        }
      }
    } finally {
      try (var files = Files.list(snapshot)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(snapshot);
    }
  }
}
