package dev.breakwater.snapshot;

import dev.breakwater.host.Route;

import dev.breakwater.net.IpFamily;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code ip -4 -j route show table all} and {@code ip -6 -j route show table all} output
 * (or, from an older snapshot, the main table alone: {@code ip -j route show}); one file may hold
 * both arrays one after the other. Each route's family comes from its destination, gateway or
 * preferred source; a {@code default} route with none of them takes {@code familyHint}.
 */
public final class IpRouteReader {
  private IpRouteReader() {}

  /** @param familyHint the family of the command that wrote the file ({@code ip -6} gives V6) */
  public static List<Route> read(String text, String source, IpFamily familyHint) {
    if (text.isBlank()) {
      return List.of();
    }
    JsonDocument document = JsonDocument.parse(text, source, "ip -j route show");
    List<Route> routes = new ArrayList<>();
    for (JsonValue root : document.roots()) {
      if (!root.node().isArray()) {
        throw root.problem("expected an array of routes, as ip -j route show prints");
      }
      for (JsonValue route : root.elements("an array of routes")) {
        routes.add(route(route, familyHint));
      }
    }
    return routes;
  }

  private static Route route(JsonValue json, IpFamily familyHint) {
    if (!json.node().isObject()) {
      throw json.problem("expected a route object with dst, dev and gateway");
    }
    String dst = json.get("dst").string().orElseThrow(() -> json.problem("expected the route's \"dst\""));
    Optional<IPAddress> gateway = json.get("gateway").address();
    Optional<IPAddress> prefsrc = json.get("prefsrc").address();
    IpFamily family = gateway.or(() -> prefsrc).map(IpFamily::of).orElse(familyHint);
    IPAddress destination;
    if (dst.equals("default")) {
      destination = parsePrefix(family == IpFamily.V4 ? "0.0.0.0/0" : "::/0");
    } else {
      IPAddress written = new IPAddressString(dst).getAddress();
      if (written == null) {
        throw json.get("dst").problem("expected \"default\", an address or a prefix, found '" + dst + "'");
      }
      family = IpFamily.of(written);
      // "ip route" prints a host route without its /32 or /128.
      destination = written.isPrefixed() ? written : written.setPrefixLength(written.getBitCount(), false);
    }
    String type = json.get("type").string("unicast");
    // "ip route show table all" names each route's table, except main's (ipv4/ipv6 print_route).
    String table = json.get("table").string(Route.MAIN);
    if (table.isEmpty()) {
      throw json.get("table").problem("expected the route's table name or number");
    }
    return new Route(family, destination, gateway, json.get("dev").string(""), type, table);
  }

  private static IPAddress parsePrefix(String text) {
    return new IPAddressString(text).getAddress();
  }
}
