package dev.breakwater.cli;

import dev.breakwater.snapshot.Corpus;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class TraceCommandTest {

  @Test
  void theBypassIsTracedToDockersAcceptWithTheNat() {
    CliRun r = CliRun.of("trace", "--from", Corpus.arg("docker-28-ufw-bypass"),
        "--src", "198.51.100.66", "--port", "3306", "--format", "json");
    assertThat(r.exit()).isEqualTo(ExitCodes.FINDINGS);
    JsonNode t = Json.mapper().readTree(r.out());
    assertThat(t.get("verdict").asString()).isEqualTo("reachable");
    assertThat(t.get("deliveredTo").get("container").asString()).isEqualTo("mysql");
    assertThat(t.get("deliveredTo").get("address").asString()).isEqualTo("172.17.0.2");
    JsonNode decided = t.get("decidedBy");
    assertThat(decided.get("table").asString()).isEqualTo("filter");
    assertThat(decided.get("chain").asString()).isEqualTo("DOCKER");
    assertThat(decided.get("line").asInt()).isEqualTo(76);
    assertThat(decided.get("rule").asString()).contains("--dport 3306 -j ACCEPT");
    assertThat(t.get("nat").asString()).contains("172.17.0.2:3306");
    assertThat(t.get("path").size()).isGreaterThan(3);
  }

  @Test
  void aDportRuleAfterDnatGetsItsHint() {
    CliRun r = CliRun.of("trace", "--from", Corpus.arg("docker-user-dport-mistake"),
        "--src", "198.51.100.66", "--port", "3306");
    assertThat(r.exit()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(r.out()).contains("REACHABLE").contains("dport-after-dnat").contains("--ctorigdstport 3306 --ctdir ORIGINAL");
  }

  @Test
  void theAllowListLetsTheLanInAndDropsTheRest() {
    CliRun lan = CliRun.of("trace", "--from", Corpus.arg("docker-user-fixed"),
        "--src", "198.51.100.20", "--port", "3306", "--format", "json");
    CliRun stranger = CliRun.of("trace", "--from", Corpus.arg("docker-user-fixed"),
        "--src", "198.18.7.7", "--port", "3306", "--in", "eth0", "--format", "json");
    assertThat(Json.mapper().readTree(lan.out()).get("verdict").asString()).isEqualTo("reachable");
    JsonNode blocked = Json.mapper().readTree(stranger.out());
    assertThat(blocked.get("verdict").asString()).isEqualTo("blocked");
    assertThat(blocked.get("decidedBy").get("rule").asString()).contains("-i eth0 -j DROP");
    assertThat(stranger.exit()).isEqualTo(ExitCodes.CLEAN);
  }

  @Test
  void badAddressesAndPortsAreOneLineErrors() {
    for (String[] args : new String[][] {
        {"--src", "1.2.3", "--port", "3306"},
        {"--src", "198.51.100.1-9", "--port", "3306"},
        {"--src", "198.51.100.7", "--port", "70000"},
        {"--src", "198.51.100.7", "--port", "3306/icmp"},
        {"--src", "198.51.100.7", "--dst", "2001:db8::1", "--port", "3306"},
        {"--src", "198.51.100.7", "--port", "3306", "--in", "nosuch0"}}) {
      String[] full = new String[args.length + 3];
      full[0] = "trace";
      full[1] = "--from";
      full[2] = Corpus.arg("docker-28-ufw-bypass");
      System.arraycopy(args, 0, full, 3, args.length);
      CliRun r = CliRun.of(full);
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(r.err()).as(String.join(" ", args)).startsWith("breakwater: ").doesNotContain("Exception");
    }
  }

  @Test
  void looseSourcesAndDestinationsSayWhatAnAddressLooksLike() {
    for (String[] option : new String[][] {{"--src", "10.1"}, {"--src", "3232235777"}, {"--dst", "198.51.100.*"}, {"--src", "198.51.100.0/24"}}) {
      String[] full = option[0].equals("--src")
          ? new String[] {"trace", "--from", Corpus.arg("docker-28-ufw-bypass"), "--src", option[1], "--port", "3306"}
          : new String[] {"trace", "--from", Corpus.arg("docker-28-ufw-bypass"), "--src", "198.51.100.66", "--dst", option[1], "--port", "3306"};
      CliRun r = CliRun.of(full);
      assertThat(r.exit()).as(option[1]).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(r.err()).as(option[1])
          .contains(option[0] + " " + option[1] + ": expected an IPv4 or IPv6 address such as 198.51.100.7 or 2001:db8::7, got '" + option[1] + "'");
    }
  }

  /** docker-user-fixed (the LAN in, the rest of eth0 dropped) with {@code extra} before the drop. */
  private static String withBeforeTheDrop(Path dir, String extra) throws java.io.IOException {
    Path from = Path.of(Corpus.arg("docker-user-fixed"));
    try (var files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    Path rules = dir.resolve("iptables-save.txt");
    String text = Files.readString(rules);
    assertThat(text).contains("-A DOCKER-USER -i eth0 -j DROP\n");
    Files.writeString(rules, text.replace("-A DOCKER-USER -i eth0 -j DROP\n", extra + "-A DOCKER-USER -i eth0 -j DROP\n"));
    return dir.toString();
  }

  @Test
  void withoutSportTheTraceFindsThePortThatGetsThroughAndSaysSo(@TempDir Path dir) throws Exception {
    String snap = withBeforeTheDrop(dir, "-A DOCKER-USER -p tcp -m tcp --sport 443 -j RETURN\n");
    CliRun chosen = CliRun.of("trace", "--from", snap, "--src", "198.18.7.7", "--port", "3306", "--in", "eth0",
        "--format", "json");
    CliRun fixed = CliRun.of("trace", "--from", snap, "--src", "198.18.7.7", "--port", "3306", "--in", "eth0",
        "--sport", "40000");

    JsonNode t = Json.mapper().readTree(chosen.out());
    assertThat(t.get("verdict").asString()).isEqualTo("reachable");
    assertThat(t.get("packet").get("sourcePort").asInt()).isEqualTo(443);
    assertThat(t.get("needs").get(0).asString()).isEqualTo("only from source port 443");
    assertThat(chosen.exit()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(fixed.out()).contains("BLOCKED").doesNotContain("only from");
    assertThat(fixed.exit()).isEqualTo(ExitCodes.CLEAN);
  }

  @Test
  void tcpFlagsPickTheFirstPacketAndOnlySynsThatOpenAConnectionAreAccepted(@TempDir Path dir) throws Exception {
    String snap = withBeforeTheDrop(dir, "-A DOCKER-USER -p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG SYN,PSH -j RETURN\n");
    CliRun chosen = CliRun.of("trace", "--from", snap, "--src", "198.18.7.7", "--port", "3306", "--in", "eth0");
    CliRun plain = CliRun.of("trace", "--from", snap, "--src", "198.18.7.7", "--port", "3306", "--in", "eth0",
        "--tcp-flags", "SYN");
    CliRun bad = CliRun.of("trace", "--from", snap, "--src", "198.18.7.7", "--port", "3306", "--tcp-flags", "SYN,FIN");

    assertThat(chosen.out()).contains("(flags SYN,PSH)").contains("REACHABLE")
        .contains("only with a SYN,PSH first packet (ECE, CWR either way)");
    assertThat(plain.out()).contains("BLOCKED");
    assertThat(bad.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(bad.err()).startsWith("breakwater: --tcp-flags SYN,FIN: not a first packet that opens a connection");
  }
}
