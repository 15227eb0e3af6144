package dev.breakwater.policy;

import dev.breakwater.net.PortAndProtocol;
import java.util.List;
import java.util.Optional;

/**
 * A policy file, validated.
 *
 * @param externalInterfaces where outside traffic enters; empty means "the interfaces of the
 *     default routes"
 * @param defaultVerdict what a published port without an allow gets from outside
 * @param denyAction how a denied connection is refused
 * @param labels which {@code breakwater.allow} container labels add allows (none by default)
 * @param ipsetThreshold a port whose sources of one family outnumber this is matched through an
 *     ipset instead of one rule per prefix
 * @param expectOpen {@code expect-open:}, the ports meant to be reachable from outside (read by
 *     {@code audit --policy}; plan and apply do not use it); empty when the file has no such key
 */
public record Policy(
    List<String> externalInterfaces,
    Default defaultVerdict,
    DenyAction denyAction,
    LabelTrust labels,
    List<AllowRule> allows,
    int ipsetThreshold,
    Optional<List<PortAndProtocol>> expectOpen,
    String source) {

  public static final int DEFAULT_IPSET_THRESHOLD = 32;

  public Policy {
    externalInterfaces = List.copyOf(externalInterfaces);
    allows = List.copyOf(allows);
    expectOpen = expectOpen.map(List::copyOf);
  }

  public enum Default {
    DENY,
    ALLOW
  }

  public enum DenyAction {
    DROP,
    REJECT
  }
}
