package dev.breakwater.lint;

import java.util.List;

/** Every lint rule, in id order. */
public final class Rules {
  static final List<LintRule> ALL = List.of(
      new PublishedOnAllInterfaces(),
      new DataStorePublished(),
      new PublishAll(),
      new HostNetworkDataStore(),
      new AuthenticationDisabled(),
      new WeakPassword(),
      new DockerSocketMounted(),
      new Privileged(),
      new PortQuotingHazard(),
      new ReverseProxyPublicPort(),
      new UdpAmplifierPublished(),
      new HostAddressUnknown(),
      new UnreadablePublication(),
      new DockerApiOnTcp(),
      new DockerIptablesDisabled(),
      new UfwForwardAccept(),
      new Fail2banBansInInput(),
      new Fail2banProtocol(),
      new RouteLocalnetEnabled());

  private Rules() {}

  public static List<RuleMeta> metas() {
    return ALL.stream().map(LintRule::meta).toList();
  }
}
