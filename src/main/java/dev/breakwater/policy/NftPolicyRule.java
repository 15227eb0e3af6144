package dev.breakwater.policy;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One rule of Breakwater's nft chain, before it is text ({@link NftPolicyText}) or model
 * ({@link NftPolicyTable}): both are rendered from this, so the script and the model the proof
 * reads cannot say different things.
 *
 * @param outPattern iptables' spelling ({@code br-+}); nft's is {@code br-*}
 * @param family {@code meta nfproto}: an inet table sees both families, so a port's rules name theirs
 * @param originalDestination {@code ct original ip daddr}: the host address a port is bound to
 * @param sourceSet {@code ip saddr @SET}: the port's allow set
 * @param state {@code ct state ...} or {@code ct status dnat}
 */
record NftPolicyRule(
    Optional<String> inInterface,
    Optional<String> outPattern,
    Optional<IpFamily> family,
    Optional<Transport> protocol,
    Optional<IPAddress> originalDestination,
    OptionalInt originalPort,
    Optional<NftPolicyText.AllowSet> sourceSet,
    Optional<State> state,
    Verdict verdict) {

  enum State {
    ESTABLISHED_RELATED("ct state established,related"),
    NEW("ct state new"),
    /** The connection was DNATed (conntrack's IPS_DST_NAT, iptables' {@code --ctstate DNAT}). */
    DNAT("ct status dnat");

    final String text;

    State(String text) {
      this.text = text;
    }
  }

  enum Verdict {
    ACCEPT("accept"),
    DROP("drop"),
    /** An inet table's plain reject: ICMP(v6) port unreachable for the packet's family (nft(8), REJECT STATEMENT). */
    REJECT("reject"),
    REJECT_TCP_RESET("reject with tcp reset");

    final String text;

    Verdict(String text) {
      this.text = text;
    }
  }

  /** The rule exactly as {@code nft list table} prints it (nft 1.0.6), so that a read-back compares as text. */
  String text() {
    List<String> parts = new ArrayList<>();
    inInterface.ifPresent(i -> parts.add("iifname \"" + i + "\""));
    outPattern.ifPresent(o -> parts.add("oifname \"" + (o.endsWith("+") ? o.substring(0, o.length() - 1) + "*" : o) + "\""));
    // `ip saddr` implies the family, and nft then drops a written `meta nfproto ipv4` from its
    // listing (nft 1.0.6, lab): leave it out so that the read-back compares equal.
    if (sourceSet.isEmpty()) {
      family.ifPresent(f -> parts.add("meta nfproto " + nfproto(f)));
    }
    // `ct original proto-dst` needs the protocol first: without it nft answers "Can't parse
    // symbolic invalid expressions" (lab, nftables.md 1.4).
    protocol.ifPresent(p -> parts.add("meta l4proto " + p.label()));
    originalDestination.ifPresent(a -> parts.add("ct original " + (a.isIPv4() ? "ip" : "ip6") + " daddr "
        + a.withoutPrefixLength().toCompressedString()));
    originalPort.ifPresent(p -> parts.add("ct original proto-dst " + p));
    sourceSet.ifPresent(s -> parts.add((s.family() == IpFamily.V4 ? "ip" : "ip6") + " saddr @" + s.name()));
    state.ifPresent(s -> parts.add(s.text));
    parts.add(verdict.text);
    return String.join(" ", parts);
  }

  static String nfproto(IpFamily family) {
    return family == IpFamily.V4 ? "ipv4" : "ipv6";
  }
}
