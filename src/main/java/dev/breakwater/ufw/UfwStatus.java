package dev.breakwater.ufw;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import java.util.List;
import java.util.Optional;

/**
 * What {@code ufw status verbose} says: the user's belief about their firewall, which audit
 * compares with what the kernel really does.
 *
 * @param defaultIncoming {@code deny}, {@code allow} or {@code reject}; same for the others;
 *     {@code unknown} when the status was not verbose, {@code disabled} for routed when UFW does
 *     not manage forwarding
 */
public record UfwStatus(
    boolean active,
    String defaultIncoming,
    String defaultOutgoing,
    String defaultRouted,
    List<UfwRule> rules) {

  public UfwStatus {
    rules = List.copyOf(rules);
  }

  /**
   * What UFW claims about incoming traffic to {@code port}, in either family: like UFW itself,
   * the first incoming rule whose "To" covers the port decides, whatever its "From" (a rule
   * allowing one source still says "allow"); with no such rule the default incoming policy
   * decides. An inactive UFW claims nothing.
   *
   * <p>{@code 3306/tcp DENY IN Anywhere} gives {@code claimFor(3306, TCP) == DENY}; with only
   * {@code Default: deny (incoming)} every port reads {@code DENY}; {@code Status: inactive} gives
   * {@code NONE}.
   */
  public UfwClaim claimFor(int port, Transport proto) {
    return decide(ruleFor(port, proto, Optional.empty()));
  }

  /** As {@link #claimFor(int, Transport)}, counting only the rows of one family ({@code (v6)}). */
  public UfwClaim claimFor(int port, Transport proto, IpFamily family) {
    return decide(ruleFor(port, proto, Optional.of(family)));
  }

  /** The rule that decides {@link #claimFor}, empty when the default policy (or nothing) does. */
  public Optional<UfwRule> ruleFor(int port, Transport proto) {
    return active ? ruleFor(port, proto, Optional.empty()) : Optional.empty();
  }

  private Optional<UfwRule> ruleFor(int port, Transport proto, Optional<IpFamily> family) {
    return rules.stream()
        .filter(r -> r.direction().equals("IN"))
        .filter(r -> family.isEmpty() || r.v6() == (family.get() == IpFamily.V6))
        .filter(r -> UfwDestination.parse(r.to()).covers(port, proto))
        .findFirst();
  }

  private UfwClaim decide(Optional<UfwRule> rule) {
    if (!active) {
      return UfwClaim.NONE;
    }
    return rule.map(r -> UfwClaim.ofAction(r.action())).orElseGet(() -> UfwClaim.ofAction(defaultIncoming));
  }
}
