package dev.breakwater.lint;

import dev.breakwater.compose.Service;

import dev.breakwater.catalog.Severity;
import java.util.List;

@RuleInfo(
    id = "BW008",
    name = "Privileged",
    summary = "A container runs privileged: all capabilities, all devices, no confinement.",
    severity = Severity.HIGH,
    why = """
        `privileged: true` / `--privileged` gives the container every capability and every
        device of the host and disables seccomp and AppArmor; escaping to the host is a matter
        of mounting its disk. Published ports of such a container are a path to the host.""",
    fix = """
        Remove it and grant only what is needed: `cap_add: [NET_ADMIN]`, `devices:
        [/dev/net/tun]`.""")
final class Privileged implements LintRule {
  @Override
  public List<LintFinding> check(Service service) {
    if (!service.isPrivileged()) {
      return List.of();
    }
    return List.of(LintFinding.of(this, Severity.HIGH, "'" + service.name()
        + "' runs privileged (every capability and device of the host); grant only the capabilities it needs",
        service, service.privileged().orElseThrow()));
  }
}
