package dev.breakwater.lint;

import dev.breakwater.compose.Scalar;
import dev.breakwater.compose.Service;

import dev.breakwater.catalog.Severity;
import java.util.ArrayList;
import java.util.List;

@RuleInfo(
    id = "BW007",
    name = "DockerSocketMounted",
    summary = "The Docker socket is mounted into a container: whoever controls the container controls the host.",
    severity = Severity.HIGH,
    why = """
        `/var/run/docker.sock` is the Docker API without authentication. A container that can
        reach it can start a privileged container that mounts `/`, i.e. it has root on the host.
        A vulnerability in that container (a reverse proxy, a CI runner, a dashboard) becomes a
        host compromise.""",
    fix = """
        Avoid it. When a tool really needs the API, put a filtering proxy in between (for
        example a socket proxy that allows only read-only `GET /containers`), mount it `:ro`
        knowing that this does not make the API read-only, and never publish that container.""")
final class DockerSocketMounted implements LintRule {
  @Override
  public List<LintFinding> check(Service service) {
    List<LintFinding> out = new ArrayList<>();
    for (Scalar v : service.volumes()) {
      String source = v.value().split(":", 2)[0].trim();
      if (source.endsWith("/docker.sock") || source.endsWith("/podman.sock")) {
        out.add(LintFinding.of(this, Severity.HIGH, "'" + service.name() + "' mounts the Docker socket ("
            + source + "): anyone who controls this container has root on the host", service, v));
      }
    }
    return out;
  }
}
