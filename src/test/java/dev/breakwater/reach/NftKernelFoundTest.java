package dev.breakwater.reach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.net.Transport;
import dev.breakwater.snapshot.SnapshotDirectory;
import inet.ipaddr.IPAddressString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The engine against the kernel's verdicts on nftables hosts, without root: the snapshots and
 * outcomes {@code reach.oracle.NftKernelOracleTest} recorded from its lab
 * ({@code src/test/resources/oracle/nft/recorded}; that test checks, as root, that they are still
 * what the kernel does). Host: eth0 198.18.20.2/24, bridge br-lab 198.19.20.1/24, container
 * 198.19.20.2 (published 8080 -> 80); attackers 198.18.20.1, .9, .33. Connected or refused means
 * the first packet got through and was answered: "reachable"; anything else, half-open included
 * (the answer was dropped), "blocked".
 */
public class NftKernelFoundTest {
  private static final String RECORDED = "/oracle/nft/recorded";

  /** One recorded cell: {@code S1 198.18.20.1 host:8080 CONNECTED} or {@code S6 egress HALF_OPEN}. */
  record Cell(String scenario, String source, String target, String outcome) {
    /**
     * Whether the connection was answered: a SYN-ACK or a RST came back. HALF_OPEN (the SYN
     * arrived, its answer was dropped) is not: the engine checks the answer too (S6's egress).
     */
    boolean reached() {
      return outcome.equals("CONNECTED") || outcome.equals("REFUSED");
    }

    /** The first packet of the attempt, on the interface it arrives on (any source port: none is matched). */
    Packet packet() {
      if (target.equals("egress")) {
        return syn("198.19.20.2", "198.18.20.1", 9000, "br-lab");
      }
      String[] t = target.split(":");
      String destination = t[0].equals("host") ? "198.18.20.2" : "198.19.20.2";
      return syn(source, destination, Integer.parseInt(t[1]), "eth0");
    }

    static Cell parse(String line) {
      String[] f = line.split(" ");
      return f[1].equals("egress") ? new Cell(f[0], "198.19.20.2", "egress", f[2]) : new Cell(f[0], f[1], f[2], f[3]);
    }
  }

  static List<Cell> cells() throws Exception {
    Path verdicts = recorded().resolve("kernel-verdicts.txt");
    return Files.readAllLines(verdicts).stream().filter(l -> !l.isBlank()).map(Cell::parse).toList();
  }

  static Path recorded() throws Exception {
    return Path.of(NftKernelFoundTest.class.getResource(RECORDED).toURI());
  }

  private static Packet syn(String source, String destination, int port, String in) {
    return new Packet(new IPAddressString(source).getAddress(), new IPAddressString(destination).getAddress(),
        Transport.TCP, 40_000, port, in);
  }

  /**
   * Every recorded cell of every scenario (S1-S6 of research/nftables.md §1.6, firewalld F1/F2,
   * netavark N1/N2): the engine's verdict must be the kernel's, "possibly" is wrong (every table
   * is in the snapshot).
   */
  @TestFactory
  List<DynamicTest> theEngineGivesTheKernelsVerdict() throws Exception {
    assumeTheEngineReadsNftTables();
    Map<String, Reachability> engines = new HashMap<>();
    List<DynamicTest> tests = new ArrayList<>();
    for (Cell c : cells()) {
      tests.add(DynamicTest.dynamicTest(c.scenario() + " " + c.source() + " " + c.target() + " " + c.outcome(), () -> {
        Reachability engine = engines.computeIfAbsent(c.scenario(),
            s -> Reachability.of(SnapshotDirectory.read(recordedDir(s))));
        Trace t = engine.trace(c.packet());
        assertThat(t.verdict().label()).as(String.join("\n", t.path().stream().map(TraceStep::describe).toList())
            + "\ndecision: " + t.decision()).isEqualTo(c.reached() ? "reachable" : "blocked");
      }));
    }
    return tests;
  }

  /**
   * Skips, saying why, while the snapshot reader leaves nft-ruleset.json out of
   * {@code Ruleset.nftTables} (every answer on these hosts is then "possibly"); the tests run by
   * themselves once it reads them.
   */
  public static void assumeTheEngineReadsNftTables() {
    if (SnapshotDirectory.read(recordedDir("S1")).ipv4().nftTables().isEmpty()) {
      String why = "skipped: the engine does not read nft-ruleset.json into Ruleset.nftTables yet, so every answer on"
          + " an nftables host is \"possibly\"";
      System.err.println(why);
      Assumptions.abort(why);
    }
  }

  private static Path recordedDir(String scenario) {
    try {
      return recorded().resolve(scenario);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
