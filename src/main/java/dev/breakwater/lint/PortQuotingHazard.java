package dev.breakwater.lint;

import dev.breakwater.compose.PortEntry;
import dev.breakwater.compose.Service;

import dev.breakwater.catalog.Severity;
import java.util.ArrayList;
import java.util.List;

@RuleInfo(
    id = "BW009",
    name = "PortQuotingHazard",
    summary = "An unquoted port mapping such as `2222:22` is a base-60 number to YAML 1.1 tools.",
    severity = Severity.MEDIUM,
    why = """
        YAML 1.1 reads plain `xx:yy` with `yy` below 60 as a sexagesimal integer: `2222:22` is
        133342. Compose itself (YAML 1.2) reads a string, but other tools in the pipeline
        (docker-compose v1, Ansible, PyYAML-based templating) turn it into a number and the
        mapping silently changes or fails.""",
    fix = """
        Quote port mappings: `- "2222:22"`. Breakwater reads the source text, so it understands
        what the author meant either way.""")
final class PortQuotingHazard implements LintRule {
  @Override
  public List<LintFinding> check(Service service) {
    List<LintFinding> out = new ArrayList<>();
    for (PortEntry port : service.ports()) {
      if (port.yaml11Integer()) {
        out.add(LintFinding.ofPort(this, Severity.MEDIUM, "unquoted port mapping '" + port.file().text()
            .substring(port.start(), port.end()) + "' of '" + service.name()
            + "' is a base-60 number to YAML 1.1 parsers; quote it", service, port, false));
      }
    }
    return out;
  }
}
