package dev.breakwater.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.HostFacts;
import dev.breakwater.snapshot.Corpus;
import org.junit.jupiter.api.Test;

/** Advice on Docker 29 nftables-backend hosts never sends the owner to a DOCKER-USER that is not there. */
class DockerFilterSiteTest {

  private static String ufwBypassFix(HostFacts facts) {
    return ufwBypassFix(facts, 8080);
  }

  private static String ufwBypassFix(HostFacts facts, int port) {
    AuditReport report = HostAudit.run(facts);
    return report.exposures().stream().filter(e -> e.hostPort() == port && e.hostIp().equals("0.0.0.0"))
        .flatMap(e -> e.findings().stream()).filter(f -> f.id().equals("ufw-bypass"))
        .findFirst().orElseThrow().fix();
  }

  @Test
  void eachHostGetsItsOwnPlace() {
    assertThat(DockerFilterSite.of(Corpus.facts("docker-28-ufw-bypass"))).isEqualTo(DockerFilterSite.DOCKER_USER);
    assertThat(DockerFilterSite.of(Corpus.facts("docker-29-nft-portmap"))).isEqualTo(DockerFilterSite.NFT_TABLE);
    assertThat(DockerFilterSite.of(Corpus.facts("docker-29-nft-ufw"))).isEqualTo(DockerFilterSite.NFT_TABLE);
    assertThat(DockerFilterSite.of(Corpus.facts("docker-29-nft-migrated"))).isEqualTo(DockerFilterSite.LEFTOVER_DOCKER_USER);
  }

  @Test
  void theNftHostsUfwBypassFixPointsToAnNftTableNeverToDockerUser() {
    String fix = ufwBypassFix(Corpus.facts("docker-29-nft-ufw"));

    assertThat(fix).contains("Docker's nftables backend has no DOCKER-USER chain")
        .contains("'breakwater plan --policy FILE --backend nft'")
        .contains("forward priority filter - 1, after a 'ct state established,related accept'")
        .doesNotContain("filter it in DOCKER-USER").doesNotContain("--ctorigdstport");
  }

  @Test
  void aMigratedHostIsToldItsDockerUserStillFiltersUntilReboot() {
    HostFacts migrated = Corpus.facts("docker-29-nft-migrated");
    HostFacts withUfw = Corpus.facts("docker-29-nft-ufw");
    // The migrated host with UFW's status (deny incoming): UFW claims deny, 198.51.100.0/24 gets in.
    HostFacts facts = new HostFacts(migrated.hostname(), migrated.interfaces(), migrated.routes(), migrated.containers(),
        migrated.ipv4(), migrated.ipv6(), withUfw.ufw(), migrated.daemon(), migrated.notes(), migrated.setup());

    String fix = ufwBypassFix(facts);

    assertThat(fix).contains("DOCKER-USER here is left over from Docker's iptables backend")
        .contains("FORWARD still jumps to it, so its rules still filter until the next reboot")
        .contains("'breakwater plan --policy FILE --backend nft'");
  }

  @Test
  void theIptablesHostKeepsTheDockerUserFix() {
    assertThat(ufwBypassFix(Corpus.facts("docker-28-ufw-bypass"), 3306))
        .contains("filter it in DOCKER-USER with '-m conntrack --ctorigdstport 3306 --ctdir ORIGINAL'");
  }

  @Test
  void firewalldAdviceNamesThePlaceToo() {
    assertThat(DockerFilterSite.DOCKER_USER.filterIn()).isEqualTo("filter in DOCKER-USER ('breakwater plan --policy FILE')");
    assertThat(DockerFilterSite.NFT_TABLE.filterIn()).doesNotContain("DOCKER-USER").contains("--backend nft");
  }
}
