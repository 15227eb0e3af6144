package dev.breakwater.lint;

import dev.breakwater.compose.PortEntry;
import dev.breakwater.compose.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A check of each published port of a container, at most one finding a port. Docker ignores
 * {@code ports:} under the host network ({@link HostNetworkDataStore} covers that case), so such
 * a container has no published port to check.
 */
interface PublishedPortRule extends LintRule {
  Optional<LintFinding> check(Service service, PortEntry port);

  @Override
  default List<LintFinding> check(Service service) {
    List<LintFinding> out = new ArrayList<>();
    if (service.hostNetwork()) {
      return out;
    }
    for (PortEntry port : service.ports()) {
      check(service, port).ifPresent(out::add);
    }
    return out;
  }
}
