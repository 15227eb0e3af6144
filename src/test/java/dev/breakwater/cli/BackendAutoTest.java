package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.snapshot.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --backend auto}: nft where Docker's tables are nft and there is no DOCKER-USER, iptables elsewhere. */
class BackendAutoTest {
  @TempDir Path dir;

  private Path policy() throws Exception {
    return Files.writeString(dir.resolve("policy.yml"), "allow:\n  - port: 8080\n    from: 198.51.100.20\n");
  }

  @Test
  void autoPicksNftOnADocker29NftHostAndSaysWhy() throws Exception {
    CliRun r = CliRun.of("plan", "--policy", policy().toString(), "--from", Corpus.arg("docker-29-nft-portmap"));

    assertThat(r.err()).contains("note: --backend auto chose nft: Docker writes its rules with nftables and there is no DOCKER-USER chain");
    assertThat(r.out()).contains("table inet breakwater {", "type filter hook forward priority filter - 1; policy accept;");
    // The policy is compiled for IPv4 although there is no DOCKER-USER (the nft table needs none).
    assertThat(r.out()).doesNotContain("nothing is compiled for IPv4");
  }

  @Test
  void autoNftPlanIsProvedOnADocker29NftHost() throws Exception {
    CliRun r = CliRun.of("plan", "--policy", policy().toString(), "--from", Corpus.arg("docker-29-nft-portmap"));

    assertThat(r.out()).contains("The proof holds").contains("    after:  198.51.100.20/32");
    assertThat(r.exit()).isEqualTo(ExitCodes.CLEAN);
  }

  @Test
  void autoKeepsIptablesWhereDockerUserIs() throws Exception {
    CliRun r = CliRun.of("plan", "--policy", policy().toString(), "--from", Corpus.arg("docker-28-ipv6"));

    assertThat(r.err()).contains("note: --backend auto chose iptables: FORWARD's DOCKER-USER chain is there to jump from")
        .doesNotContain("left over");
    assertThat(r.out()).doesNotContain("table inet breakwater").contains("filter/BREAKWATER");
  }

  @Test
  void autoKeepsIptablesOnAMigratedHostAndSaysTheChainIsALeftover() throws Exception {
    CliRun r = CliRun.of("plan", "--policy", policy().toString(), "--from", Corpus.arg("docker-29-nft-migrated"));

    assertThat(r.err()).contains("auto chose iptables").contains("left over from Docker's iptables backend; it filters until reboot");
    assertThat(r.out()).contains("filter/BREAKWATER");
  }

  @Test
  void forcedIptablesWithoutDockerUserIsOneLineExitTwo() throws Exception {
    CliRun r = CliRun.of("plan", "--policy", policy().toString(), "--from", Corpus.arg("docker-29-nft-portmap"),
        "--backend", "iptables");

    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err().strip()).doesNotContain("\n").startsWith("breakwater: --backend iptables: ")
        .contains("has no DOCKER-USER chain to jump from (Docker's nftables backend has none); use --backend nft");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void forcedNftSaysNothingAboutAuto() throws Exception {
    CliRun r = CliRun.of("plan", "--policy", policy().toString(), "--from", Corpus.arg("docker-29-nft-ufw"), "--backend", "nft");

    assertThat(r.err()).doesNotContain("auto chose");
    assertThat(r.out()).contains("table inet breakwater {");
  }
}
