package dev.breakwater.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a Docker 29 host with the nftables firewall backend: {@code ports} published ports on
 * docker0, Docker's {@code ip docker-bridges} table in {@code nft -j list ruleset} form (the rule
 * shapes of moby's nftablesdoc usernet-portmap, as nft 1.0.6 prints them), an empty
 * iptables-save (iptables-nft prints nothing on such a host) and docker-info.json saying
 * {@code nftables}.
 *
 * <p>Usage: {@code NftSnapshotGenerator DIR PORTS}. Used by {@code bench/nft-audit.sh}.
 */
public final class NftSnapshotGenerator {
  private NftSnapshotGenerator() {}

  public static void main(String[] args) throws IOException {
    write(Path.of(args[0]), Integer.parseInt(args[1]));
  }

  public static void write(Path dir, int ports) throws IOException {
    Files.createDirectories(dir);
    StringBuilder nft = new StringBuilder("{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"release_name\": "
        + "\"Lester Gooch #5\", \"json_schema_version\": 1}}");
    String t = "\"family\": \"ip\", \"table\": \"docker-bridges\"";
    nft.append(", {\"table\": {\"family\": \"ip\", \"name\": \"docker-bridges\", \"handle\": 1}}");
    nft.append(", {\"map\": {").append(t.replace("\"table\"", "\"table\"")).append(", \"name\": \"filter-forward-in-jumps\", "
        + "\"type\": \"ifname\", \"handle\": 2, \"map\": \"verdict\", \"elem\": [[\"docker0\", {\"jump\": {\"target\": "
        + "\"filter-forward-in__docker0\"}}]]}}");
    chain(nft, t, "filter-FORWARD", 3, ", \"type\": \"filter\", \"hook\": \"forward\", \"prio\": 0, \"policy\": \"accept\"");
    chain(nft, t, "nat-PREROUTING", 4, ", \"type\": \"nat\", \"hook\": \"prerouting\", \"prio\": -100, \"policy\": \"accept\"");
    chain(nft, t, "raw-PREROUTING", 5, ", \"type\": \"filter\", \"hook\": \"prerouting\", \"prio\": -300, \"policy\": \"accept\"");
    chain(nft, t, "nat-prerouting-and-output", 6, "");
    chain(nft, t, "filter-forward-in__docker0", 7, "");
    int handle = 10;
    String counter = "{\"counter\": {\"packets\": 0, \"bytes\": 0}}";
    rule(nft, t, "filter-FORWARD", handle++, "",
        "{\"vmap\": {\"key\": {\"meta\": {\"key\": \"oifname\"}}, \"data\": \"@filter-forward-in-jumps\"}}");
    rule(nft, t, "nat-PREROUTING", handle++, "", "{\"match\": {\"op\": \"==\", \"left\": {\"fib\": {\"result\": \"type\", "
        + "\"flags\": [\"daddr\"]}}, \"right\": \"local\"}}, " + counter + ", {\"jump\": {\"target\": \"nat-prerouting-and-output\"}}");
    rule(nft, t, "filter-forward-in__docker0", handle++, "", "{\"match\": {\"op\": \"in\", \"left\": {\"ct\": {\"key\": "
        + "\"state\"}}, \"right\": [\"established\", \"related\"]}}, " + counter + ", {\"accept\": null}");
    rule(nft, t, "filter-forward-in__docker0", handle++, "ICC", "{\"match\": {\"op\": \"==\", \"left\": {\"meta\": "
        + "{\"key\": \"iifname\"}}, \"right\": \"docker0\"}}, " + counter + ", {\"accept\": null}");
    StringBuilder inspect = new StringBuilder("[\n");
    for (int i = 0; i < ports; i++) {
      String ip = SnapshotGenerator.containerIp(i);
      int hostPort = 10000 + i;
      int containerPort = i % 7 == 0 ? 3306 : 80;
      rule(nft, t, "nat-prerouting-and-output", handle++, "DNAT", notDocker0() + ", " + dport(hostPort) + ", " + counter
          + ", {\"dnat\": {\"addr\": \"" + ip + "\", \"port\": " + containerPort + "}}");
      rule(nft, t, "raw-PREROUTING", handle++, "DROP DIRECT ACCESS", daddr(ip) + ", " + notDocker0() + ", " + counter
          + ", {\"drop\": null}");
      rule(nft, t, "filter-forward-in__docker0", handle++, "", daddr(ip) + ", " + dport(containerPort) + ", " + counter
          + ", {\"accept\": null}");
      inspect.append(i == 0 ? "" : ",\n").append(SnapshotGenerator.container(i, ip, "0.0.0.0", hostPort, containerPort));
    }
    rule(nft, t, "filter-forward-in__docker0", handle, "UNPUBLISHED PORT DROP", counter + ", {\"drop\": null}");
    nft.append("]}\n");
    inspect.append("\n]\n");
    Files.writeString(dir.resolve("nft-ruleset.json"), nft.toString());
    Files.writeString(dir.resolve("iptables-save.txt"), "");
    Files.writeString(dir.resolve("ip6tables-save.txt"), "");
    Files.writeString(dir.resolve("docker-inspect.json"), inspect.toString());
    Files.writeString(dir.resolve("docker-info.json"),
        "{\"ServerVersion\": \"29.0.0\", \"FirewallBackend\": {\"Driver\": \"nftables\"}}\n");
    Files.writeString(dir.resolve("ip-addr.json"), SnapshotGenerator.IP_ADDR);
    Files.writeString(dir.resolve("ip-route.json"), SnapshotGenerator.IP_ROUTE);
    Files.writeString(dir.resolve("hostname"), "bench-nft-" + ports + "\n");
  }

  private static void chain(StringBuilder out, String table, String name, int handle, String base) {
    out.append(", {\"chain\": {").append(table).append(", \"name\": \"").append(name).append("\", \"handle\": ")
        .append(handle).append(base).append("}}");
  }

  private static void rule(StringBuilder out, String table, String chain, int handle, String comment, String expr) {
    out.append(",\n {\"rule\": {").append(table).append(", \"chain\": \"").append(chain).append("\", \"handle\": ")
        .append(handle).append(comment.isEmpty() ? "" : ", \"comment\": \"" + comment + "\"").append(", \"expr\": [")
        .append(expr).append("]}}");
  }

  private static String notDocker0() {
    return "{\"match\": {\"op\": \"!=\", \"left\": {\"meta\": {\"key\": \"iifname\"}}, \"right\": \"docker0\"}}";
  }

  private static String dport(int port) {
    return "{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"tcp\", \"field\": \"dport\"}}, \"right\": "
        + port + "}}";
  }

  private static String daddr(String ip) {
    return "{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"daddr\"}}, \"right\": \""
        + ip + "\"}}";
  }
}
