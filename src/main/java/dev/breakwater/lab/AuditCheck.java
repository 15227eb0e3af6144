package dev.breakwater.lab;

import dev.breakwater.audit.AuditReport;
import dev.breakwater.audit.Exposure;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds an audit's answers against the attacker's real connections: for every probe, does the
 * audit say that source reaches that port? Pure: the probes are already made.
 */
public final class AuditCheck {
  private AuditCheck() {}

  /** A probe on which the audit and the kernel disagree. */
  public record Disagreement(AttackerProbe.Result probe, boolean auditSaysReachable) {
    public String describe() {
      return probe.probe().describe() + ": the attacker " + (probe.reached() ? "connected" : "was " + probe.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
          + ", the audit says " + (auditSaysReachable ? "reachable" : "not reachable");
    }
  }

  /** Every probe whose outcome the audit did not predict; empty when they agree exactly. */
  public static List<Disagreement> compare(AuditReport report, List<AttackerProbe.Result> probes) {
    List<Disagreement> disagreements = new ArrayList<>();
    for (AttackerProbe.Result probe : probes) {
      boolean predicted = auditSaysReachable(report, probe.probe());
      if (predicted != probe.reached()) {
        disagreements.add(new Disagreement(probe, predicted));
      }
    }
    return disagreements;
  }

  /**
   * True when some exposure of the probe's port, published on every address of the probe's family
   * or on the probe's target address, lists a source prefix that holds the probe's source address.
   */
  public static boolean auditSaysReachable(AuditReport report, AttackerProbe.Probe probe) {
    IPAddress source = new IPAddressString(probe.source()).getAddress();
    IPAddress target = new IPAddressString(probe.target()).getAddress();
    for (Exposure e : report.exposures()) {
      if (e.hostPort() != probe.port() || !e.protocol().equalsIgnoreCase("tcp")) {
        continue;
      }
      IPAddress hostIp = new IPAddressString(e.hostIp()).getAddress();
      if (hostIp == null || hostIp.isIPv4() != source.isIPv4()) {
        continue;
      }
      // A port bound to one address answers only packets sent to it: a neighbour that reaches a
      // 127.0.0.1 publish (Docker before 28) does so by sending to 127.0.0.1, not to the host's address.
      if (!hostIp.isAnyLocal() && target != null && !hostIp.withoutPrefixLength().equals(target.withoutPrefixLength())) {
        continue;
      }
      for (String cidr : e.reachableFrom()) {
        IPAddress prefix = new IPAddressString(cidr).getAddress();
        if (prefix != null && prefix.isIPv4() == source.isIPv4() && prefix.toPrefixBlock().contains(source)) {
          return true;
        }
      }
    }
    return false;
  }
}
