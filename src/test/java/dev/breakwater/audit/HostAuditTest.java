package dev.breakwater.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.HostFacts;
import dev.breakwater.snapshot.Corpus;
import dev.breakwater.reach.ReachNote;
import dev.breakwater.snapshot.SnapshotDirectory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The host-wide notes: the engine's typed notes, merged with what the snapshot said. */
class HostAuditTest {
  private static final String ENGINE_IPV6 = new ReachNote.NoIp6tablesDump().text();

  @Test
  void aSnapshotWithoutIp6tablesSaveSaysSoOnceInItsOwnTerms() {
    HostFacts facts = Corpus.facts("docker-28-ufw-bypass");
    assertThat(facts.ipv6()).isEmpty();

    AuditReport report = HostAudit.run(facts);

    assertThat(report.notes()).containsOnlyOnce(SnapshotDirectory.NO_IP6TABLES_SAVE);
    assertThat(report.notes()).doesNotContain(ENGINE_IPV6);
    assertThat(report.notes().stream().filter(n -> n.contains("IPv6"))).hasSize(1);
  }

  @Test
  void factsThatDoNotSayItThemselvesGetTheEnginesIpv6Note() {
    HostFacts read = Corpus.facts("docker-28-ufw-bypass");
    HostFacts silent = new HostFacts(read.hostname(), read.interfaces(), read.routes(), read.containers(),
        read.ipv4(), read.ipv6(), read.ufw(), read.daemon(), List.of());

    assertThat(HostAudit.run(silent).notes()).containsOnlyOnce(ENGINE_IPV6);
  }

  @Test
  void aDaemonNoteThatMentionsIp6tablesNoLongerHidesTheEnginesNote() {
    // The substring test this replaces took any note with "ip6tables" in it for the snapshot's.
    HostFacts read = Corpus.facts("docker-28-ufw-bypass");
    HostFacts daemonOnly = new HostFacts(read.hostname(), read.interfaces(), read.routes(), read.containers(),
        read.ipv4(), read.ipv6(), read.ufw(), read.daemon(),
        List.of("daemon.json sets \"ip6tables\": false: IPv6 published ports are served by docker-proxy"
            + " through INPUT, not by ip6tables DNAT"));

    assertThat(HostAudit.run(daemonOnly).notes()).contains(ENGINE_IPV6);
  }
}
