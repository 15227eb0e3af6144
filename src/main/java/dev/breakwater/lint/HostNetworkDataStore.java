package dev.breakwater.lint;

import dev.breakwater.compose.Service;

import dev.breakwater.catalog.DataStores;
import dev.breakwater.catalog.Severity;
import java.util.List;
import java.util.Optional;

@RuleInfo(
    id = "BW004",
    name = "HostNetworkDataStore",
    summary = "A data store runs with the host's network (`network_mode: host`, `--network host`).",
    severity = Severity.CRITICAL,
    why = """
        With the host network the container listens directly on the host's addresses: there is
        no publication to bind, and the data store listens wherever its own configuration says
        (MySQL, Redis and MongoDB images listen on every address). Only the host firewall stands
        in front of it, and one `ufw allow` too many exposes it.""",
    fix = """
        Use a bridge network and publish only what is needed on loopback
        (`127.0.0.1:3306:3306`), or configure the data store itself to listen on 127.0.0.1
        (MySQL `--bind-address=127.0.0.1`, Redis `--bind 127.0.0.1`).""")
final class HostNetworkDataStore implements LintRule {
  @Override
  public List<LintFinding> check(Service service) {
    if (!service.hostNetwork()) {
      return List.of();
    }
    Optional<DataStores.Kind> kind = service.image().flatMap(i -> DataStores.identify(i.value(), -1));
    if (kind.isEmpty()) {
      kind = service.expose().stream().map(e -> e.value().replaceAll("/.*", "").trim())
          .filter(v -> v.matches("\\d{1,5}")).map(Integer::parseInt)
          .flatMap(p -> DataStores.identify("", p).stream()).findFirst();
    }
    return kind.map(k -> List.of(LintFinding.of(this, Severity.CRITICAL, "'" + service.name() + "' runs "
        + k.name() + " on the host's network: it listens on the host's own addresses (ports "
        + k.ports().stream().sorted().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("")
        + "); use a bridge network and publish on 127.0.0.1", service, service.networkMode().orElseThrow())))
        .orElse(List.of());
  }
}
