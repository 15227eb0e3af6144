package dev.breakwater.lint;

import java.nio.file.Path;
import java.util.List;

/** What is linted as one: a Compose project (a file and its overrides, merged) or one script. */
public sealed interface LintUnit {
  List<Path> files();

  record ComposeProject(List<Path> files) implements LintUnit {
    public ComposeProject {
      files = List.copyOf(files);
    }
  }

  record Script(Path file, boolean makefile) implements LintUnit {
    @Override
    public List<Path> files() {
      return List.of(file);
    }
  }
}
