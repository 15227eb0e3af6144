package dev.breakwater.policy;

import dev.breakwater.net.IpFamily;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A policy compiled for one host: the exact rules of the chain Breakwater owns, per family, in
 * the form {@code iptables-save} prints them (so that the applier can verify them textually).
 *
 * @param chainRules per family that has a DOCKER-USER chain; a family absent here is left alone
 * @param notes facts about the compilation the user should read (skipped families, ...)
 * @param sets the ipsets the rules match large source lists with
 * @param defaultVerdict the policy's {@code default:}, which the nft table ({@link NftPolicyText}) compiles too
 * @param denyAction the policy's {@code action:}
 */
public record CompiledPolicy(
    List<String> externalInterfaces,
    List<ProtectedPort> ports,
    Map<IpFamily, List<String>> chainRules,
    List<String> notes,
    List<SourceIpset> sets,
    Policy.Default defaultVerdict,
    Policy.DenyAction denyAction) {

  /** The chain Breakwater owns; jumped to from DOCKER-USER at position 1. */
  public static final String CHAIN = "BREAKWATER";

  /** The jump as iptables-save prints it. */
  public static final String JUMP = "-A DOCKER-USER -j " + CHAIN;

  public CompiledPolicy {
    externalInterfaces = List.copyOf(externalInterfaces);
    ports = List.copyOf(ports);
    EnumMap<IpFamily, List<String>> copy = new EnumMap<>(IpFamily.class);
    chainRules.forEach((family, rules) -> copy.put(family, List.copyOf(rules)));
    chainRules = java.util.Collections.unmodifiableMap(copy);
    notes = List.copyOf(notes);
    sets = List.copyOf(sets);
  }

  /** A policy with {@code default: deny} and {@code action: drop} (the file's defaults). */
  public CompiledPolicy(
      List<String> externalInterfaces, List<ProtectedPort> ports, Map<IpFamily, List<String>> chainRules, List<String> notes) {
    this(externalInterfaces, ports, chainRules, notes, List.of(), Policy.Default.DENY, Policy.DenyAction.DROP);
  }

  /** Set name -> members, as the iptables-save parser resolves {@code -m set} matches. */
  public Map<String, List<inet.ipaddr.IPAddress>> setMembers() {
    Map<String, List<inet.ipaddr.IPAddress>> members = new java.util.LinkedHashMap<>();
    sets.forEach(s -> members.put(s.name(), s.prefixes()));
    return members;
  }

  public List<IpFamily> families() {
    return List.copyOf(chainRules.keySet());
  }

  public List<String> rules(IpFamily family) {
    return chainRules.getOrDefault(family, List.of());
  }
}
