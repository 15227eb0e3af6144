package dev.breakwater.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.IptablesSaveParser;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** watch's check against a real firewall: it applies, leaves a correct chain alone, corrects drift, and refuses an unproved plan. */
@Tag("lab")
class PolicyWatcherLabTest {
  @TempDir Path state;

  static Supplier<HostFacts> liveFacts(IptablesApplier firewall) {
    HostFacts snapshot = Corpus.facts("docker-28-ipv6");
    return () -> new HostFacts(snapshot.hostname(), snapshot.interfaces(), snapshot.routes(), snapshot.containers(),
        IptablesSaveParser.parse(firewall.saveAll(IpFamily.V4), IpFamily.V4, "live"),
        Optional.of(IptablesSaveParser.parse(firewall.saveAll(IpFamily.V6), IpFamily.V6, "live")),
        snapshot.ufw(), snapshot.daemon(), snapshot.notes());
  }

  @Test
  void appliesThenLeavesAloneThenCorrectsDriftAndRefusesWhatItCannotProve() throws Exception {
    Assumptions.assumeTrue(LabNamespace.isRoot(), "needs root to create network namespaces and load rules into them");
    try (LabNamespace ns = new LabNamespace()) {
      ns.load("iptables-restore", Files.readString(Corpus.dir("docker-28-ipv6").resolve("iptables-save.txt")));
      ns.load("ip6tables-restore", Files.readString(Corpus.dir("docker-28-ipv6").resolve("ip6tables-save.txt")));
      IptablesApplier firewall = IptablesApplier.inNamespace(ns.name);
      WatchMetrics metrics = new WatchMetrics();
      List<String> log = new ArrayList<>();
      PolicyWatcher watcher = new PolicyWatcher(liveFacts(firewall),
          PolicyFile.parse("allow:\n  - port: 8080\n    from: 203.0.113.0/24\n", "p.yml"), new ReachEngineOracle(),
          new ApplyTransaction(firewall, new StateStore(state)), metrics, log::add, Clock.systemUTC());

      assertThat(watcher.check("start", System.currentTimeMillis()).result()).isEqualTo("applied");
      String applied = ns.save("iptables-save");
      assertThat(watcher.check("interval", System.currentTimeMillis()).result()).isEqualTo("unchanged");

      LabNamespace.run(List.of("ip", "netns", "exec", ns.name, "iptables", "-F", "BREAKWATER"), "");
      PolicyWatcher.Check corrected = watcher.check("interval", System.currentTimeMillis());

      assertThat(corrected.result()).isEqualTo("applied");
      assertThat(corrected.added()).isPositive();
      assertThat(ns.save("iptables-save")).isEqualTo(applied);
      assertThat(metrics.corrections()).isEqualTo(1.0);
      assertThat(log).hasSize(3).allMatch(l -> l.startsWith("{\"time\":\"") && !l.contains("\n"));
      assertThat(log.get(2)).contains("\"trigger\":\"interval\"").contains("\"result\":\"applied\"");

      ByteArrayOutputStream scrape = new ByteArrayOutputStream();
      PrometheusTextFormatWriter.create().write(scrape, metrics.registry().scrape());
      assertThat(scrape.toString()).contains("breakwater_drift_corrections_total 1.0")
          .contains("breakwater_published_ports{verdict=\"restricted\"} 1.0")
          .contains("breakwater_published_ports{verdict=\"denied\"} 3.0") // [::]:8080 has no IPv6 allow
          .contains("breakwater_checks_total{result=\"applied\"} 2.0");

      PolicyWatcher wrong = new PolicyWatcher(liveFacts(firewall), PolicyFile.parse("interfaces: [eth9]\n", "p.yml"),
          new ReachEngineOracle(), new ApplyTransaction(firewall, new StateStore(state)), metrics, log::add, Clock.systemUTC());
      PolicyWatcher.Check refused = wrong.check("docker container start web", System.currentTimeMillis());
      assertThat(refused.result()).isEqualTo("refused");
      assertThat(refused.problems()).anyMatch(p -> p.contains("would still be reachable"));
      assertThat(ns.save("iptables-save")).as("a refused plan leaves the rules in force").isEqualTo(applied);
    }
  }
}
