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

  /**
   * A host configuration file (or fail2ban's jail files, or the sysctl files, of one directory, merged) kept in the
   * repository: it declares no container; its settings are checked by the {@link HostConfigRule}s.
   */
  record HostConfigFiles(HostConfigKind kind, List<Path> files) implements LintUnit {
    public HostConfigFiles {
      files = List.copyOf(files);
    }
  }

  /**
   * Which host file: {@code daemon.json}, {@code default/ufw}, fail2ban's {@code jail.*}, or the
   * sysctl settings applied at boot ({@code sysctl.conf}, {@code sysctl.d/*.conf}).
   */
  enum HostConfigKind {
    DAEMON_JSON("daemon.json"), UFW_DEFAULT("default/ufw"), FAIL2BAN("fail2ban"), SYSCTL("sysctl");

    private final String label;

    HostConfigKind(String label) {
      this.label = label;
    }

    /** What findings name as their "service". */
    public String label() {
      return label;
    }
  }

  record Script(Path file, boolean makefile) implements LintUnit {
    @Override
    public List<Path> files() {
      return List.of(file);
    }
  }
}
