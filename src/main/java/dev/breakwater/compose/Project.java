package dev.breakwater.compose;

import java.util.List;

/** What one lint unit declares: the services of a merged Compose project, or of one script. */
public record Project(List<SourceFile> files, List<Service> services) {
  public Project {
    files = List.copyOf(files);
    services = List.copyOf(services);
  }
}
