package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.snapshot.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCommandsTest {
  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  static String corpus(String scenario) {
    return Corpus.arg(scenario);
  }

  @Test
  void planPrintsTheRuleDiffPerFamily() throws Exception {
    Path policy = Files.writeString(dir.resolve("policy.yml"), "allow:\n  - port: 8080\n    from: [203.0.113.0/24, 2001:db8::/32]\n");
    CliRun r = run("plan", "--policy", policy.toString(), "--from", corpus("docker-28-ipv6"));
    assertThat(r.out())
        .contains("IPv4 filter/BREAKWATER: 6 to add, 0 to remove")
        .contains("+ -A BREAKWATER -s 203.0.113.0/24 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN")
        .contains("+ -A BREAKWATER -s 2001:db8::/32 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN")
        .contains("web 0.0.0.0:8080/tcp  allow 203.0.113.0/24  (" + policy + ":2:5)")
        .contains("search-es-1 [::]:9200/tcp  allow nobody");
    assertThat(r.out()).contains("The proof holds").contains("    after:  203.0.113.0/24");
    assertThat(r.exit()).isEqualTo(ExitCodes.CLEAN);
  }

  @Test
  void planWithTheNftBackendShowsTheTableApplyWouldLoad() throws Exception {
    Path policy = dir.resolve("p.yml");
    Files.writeString(policy, "allow:\n  - port: 8080\n    from: 203.0.113.0/24\n");
    CliRun r = run("plan", "--policy", policy.toString(), "--from", corpus("docker-28-ipv6"), "--backend", "nft");
    assertThat(r.out()).contains("The proof holds", "table inet breakwater {", "elements = { 203.0.113.0/24 }",
        "type filter hook forward priority filter - 1; policy accept;");
    assertThat(r.exit()).isEqualTo(ExitCodes.CLEAN);
    CliRun iptables = run("plan", "--policy", policy.toString(), "--from", corpus("docker-28-ipv6"), "--backend", "auto");
    assertThat(iptables.out()).doesNotContain("table inet breakwater");
    CliRun bad = run("plan", "--policy", policy.toString(), "--from", corpus("docker-28-ipv6"), "--backend", "pf");
    assertThat(bad.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(bad.err()).contains("--backend: expected nft, iptables or auto, got 'pf'");
  }

  @Test
  void planJsonHasTheRulesAndThePorts() throws Exception {
    Path policy = Files.writeString(dir.resolve("policy.yml"), "default: deny\n");
    CliRun r = run("plan", "--policy", policy.toString(), "--from", corpus("docker-28-ufw-bypass"), "--format", "json");
    var json = dev.breakwater.cli.Json.mapper().readTree(r.out());
    assertThat(json.get("families").get(0).get("family").asString()).isEqualTo("v4");
    assertThat(json.get("families").get(0).get("rules").size()).isEqualTo(4);
    assertThat(json.get("ports").get(0).get("endpoint").asString()).isEqualTo("0.0.0.0:3306/tcp");
    assertThat(json.get("ports").get(0).get("allow").asString()).isEqualTo("nobody");
  }

  @Test
  void aPlanWhoseProofFailsExitsOneAndSaysWhy() throws Exception {
    Path policy = Files.writeString(dir.resolve("policy.yml"), "interfaces: [eth9]\n");
    CliRun r = run("plan", "--policy", policy.toString(), "--from", corpus("docker-28-ipv6"));
    assertThat(r.exit()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(r.out()).contains("The proof FAILS").contains("0.0.0.0:8080/tcp (web): would still be reachable from 0.0.0.0/0");
  }

  @Test
  void aBadPolicyIsOneLineWithItsPositionAndExitTwo() throws Exception {
    Path policy = Files.writeString(dir.resolve("bad.yml"), "allow:\n  - port: 3306\n    from: 10.0.0.0/33\n");
    CliRun r = run("plan", "--policy", policy.toString(), "--from", corpus("docker-28-ufw-bypass"));
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err().strip()).startsWith("breakwater: " + policy + ":3:11: expected an IPv4 or IPv6 address").doesNotContain("\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void confirmWithNothingPendingSaysSo() {
    CliRun r = run("confirm", "--state-dir", dir.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Nothing to confirm");
  }

  @Test
  void rollbackWithoutABackupFailsAndSaysWhy() {
    CliRun r = run("rollback", "--state-dir", dir.toString(), "--netns", "bwx-does-not-matter");
    assertThat(r.exit()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(r.err()).contains("nothing to roll back: no change recorded in " + dir);
  }

  @Test
  void aBadDurationOrNamespaceIsBadInput() throws Exception {
    Path policy = Files.writeString(dir.resolve("policy.yml"), "default: deny\n");
    assertThat(run("apply", "--policy", policy.toString(), "--confirm-within", "soon").err())
        .contains("--confirm-within: expected a duration like 90s, 5m or 1h, got 'soon'");
    assertThat(run("rollback", "--state-dir", dir.toString(), "--netns", "../../etc").err())
        .contains("--netns: expected a namespace name");
  }
}
