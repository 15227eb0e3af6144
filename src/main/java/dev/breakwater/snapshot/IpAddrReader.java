package dev.breakwater.snapshot;

import dev.breakwater.host.NetworkInterface;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code ip -j addr show} (or {@code ip -d -j addr show}) output.
 *
 * <p>Plain {@code ip -j addr} carries no {@code linkinfo}, so a bridge shows only {@code
 * "link_type": "ether"}. The kind is then inferred: an interface that others name as their
 * {@code master} is a bridge, and so are Docker's own bridges by their names ({@code docker0},
 * {@code br-} and the network id's first 12 hex digits); a {@code veth*} with a peer in another
 * namespace ({@code link_netnsid}) is a veth.
 */
public final class IpAddrReader {
  private static final Pattern DOCKER_BRIDGE = Pattern.compile("docker0|br-[0-9a-f]{12}");

  private IpAddrReader() {}

  public static List<NetworkInterface> read(String text, String source) {
    JsonDocument document = JsonDocument.parse(text, source, "ip -j addr show");
    List<JsonValue> links = new ArrayList<>();
    for (JsonValue root : document.roots()) {
      if (!root.node().isArray()) {
        throw root.problem("expected an array of interfaces, as ip -j addr show prints");
      }
      links.addAll(root.elements("an array of interfaces"));
    }
    Set<String> masters = new HashSet<>();
    for (JsonValue link : links) {
      link.get("master").string().ifPresent(masters::add);
    }
    List<NetworkInterface> interfaces = new ArrayList<>();
    for (JsonValue link : links) {
      interfaces.add(networkInterface(link, masters));
    }
    return interfaces;
  }

  private static NetworkInterface networkInterface(JsonValue link, Set<String> masters) {
    if (!link.node().isObject()) {
      throw link.problem("expected an interface object with ifname, flags and addr_info");
    }
    String name = link.get("ifname").string()
        .orElseThrow(() -> link.problem("expected the interface's \"ifname\""));
    List<String> flags = link.get("flags").strings();
    boolean up = link.get("flags").present()
        ? flags.contains("UP")
        : link.get("operstate").string("").equals("UP");
    List<IPAddress> addresses = new ArrayList<>();
    for (JsonValue info : link.get("addr_info").elements("an array of addresses")) {
      // An entry without "local" is a lifetime-only line (iproute2 prints those for some kernels).
      java.util.Optional<IPAddress> written = info.get("local").address();
      if (written.isEmpty()) {
        continue;
      }
      IPAddress local = written.get();
      OptionalInt prefix = info.get("prefixlen").integer();
      if (prefix.isPresent()) {
        IPAddress withPrefix = new IPAddressString(local.toNormalizedString() + "/" + prefix.getAsInt()).getAddress();
        if (withPrefix == null) {
          throw info.get("prefixlen").problem("expected a prefix length for " + local);
        }
        local = withPrefix;
      }
      addresses.add(local);
    }
    return new NetworkInterface(name, kind(link, name, masters), up, addresses, link.get("master").string(""));
  }

  private static String kind(JsonValue link, String name, Set<String> masters) {
    String infoKind = link.get("linkinfo").get("info_kind").string("");
    if (!infoKind.isEmpty()) {
      return infoKind;
    }
    if (masters.contains(name) || DOCKER_BRIDGE.matcher(name).matches()) {
      return "bridge";
    }
    if (name.startsWith("veth") && link.get("link_netnsid").present()) {
      return "veth";
    }
    return link.get("link_type").string("unknown");
  }
}
