package dev.breakwater.policy;

import java.util.List;

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
 */
public record Policy(
    List<String> externalInterfaces,
    Default defaultVerdict,
    DenyAction denyAction,
    LabelTrust labels,
    List<AllowRule> allows,
    int ipsetThreshold,
    String source) {

  public static final int DEFAULT_IPSET_THRESHOLD = 32;

  public Policy {
    externalInterfaces = List.copyOf(externalInterfaces);
    allows = List.copyOf(allows);
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
