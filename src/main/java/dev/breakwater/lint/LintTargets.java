package dev.breakwater.lint;

import dev.breakwater.compose.BadInputException;
import dev.breakwater.compose.DisplayPath;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Turns the paths given on the command line into lint units. Directories are searched (skipping
 * hidden folders, node_modules, target and vendor) for Compose files, which are grouped with their
 * override file as {@code docker compose} groups them, and for scripts: {@code *.sh}, {@code
 * *.bash}, Makefiles and files whose first line is a shell shebang.
 */
public final class LintTargets {
  private static final List<String> BASE_NAMES = List.of(
      "compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml");
  private static final Map<String, String> OVERRIDE_OF = Map.of(
      "compose.override.yaml", "compose", "compose.override.yml", "compose",
      "docker-compose.override.yaml", "docker-compose", "docker-compose.override.yml", "docker-compose");
  private static final Set<String> SKIPPED_DIRS = Set.of("node_modules", "target", "vendor", "__pycache__");

  private LintTargets() {}

  public static List<LintUnit> discover(List<Path> paths) {
    List<LintUnit> units = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        units.addAll(directory(p));
      } else if (Files.isRegularFile(p)) {
        units.add(file(p));
      } else {
        throw new BadInputException(DisplayPath.display(p) + ": no such file or directory");
      }
    }
    return units;
  }

  /**
   * The host configuration file {@code p} is, by its name: {@code daemon.json}, {@code ufw} in a
   * {@code default} directory, fail2ban's {@code jail.conf}/{@code jail.local} and the
   * {@code *.conf}/{@code *.local} of a {@code jail.d} directory, {@code sysctl.conf} and the
   * {@code *.conf} of a {@code sysctl.d} directory.
   */
  static java.util.Optional<LintUnit.HostConfigKind> hostConfigKind(Path p) {
    String name = p.getFileName().toString();
    Path parent = p.getParent();
    String dir = parent == null || parent.getFileName() == null ? "" : parent.getFileName().toString();
    if (name.equals("daemon.json")) {
      return java.util.Optional.of(LintUnit.HostConfigKind.DAEMON_JSON);
    }
    if (name.equals("ufw") && dir.equals("default")) {
      return java.util.Optional.of(LintUnit.HostConfigKind.UFW_DEFAULT);
    }
    if (name.equals("jail.conf") || name.equals("jail.local")
        || dir.equals("jail.d") && (name.endsWith(".conf") || name.endsWith(".local"))) {
      return java.util.Optional.of(LintUnit.HostConfigKind.FAIL2BAN);
    }
    if (name.equals("sysctl.conf") || dir.equals("sysctl.d") && name.endsWith(".conf")) {
      return java.util.Optional.of(LintUnit.HostConfigKind.SYSCTL);
    }
    return java.util.Optional.empty();
  }

  /**
   * The configuration directory a merged file belongs to: the parent of its drop-in directory
   * ({@code jail.d}, {@code sysctl.d}) for a drop-in, its own directory otherwise.
   */
  private static Path mergeRoot(Path file, String dropInDir) {
    Path parent = file.toAbsolutePath().getParent();
    return parent.getFileName() != null && parent.getFileName().toString().equals(dropInDir) ? parent.getParent() : parent;
  }

  /**
   * sysctl files in the order they are applied (sysctl.d(5); procps' {@code sysctl --system}):
   * the drop-ins by file name, then {@code sysctl.conf}; a later setting wins.
   */
  static List<Path> sysctlOrder(List<Path> files) {
    return files.stream().sorted(java.util.Comparator
        .comparing((Path f) -> f.getFileName().toString().equals("sysctl.conf"))
        .thenComparing(f -> f.getFileName().toString())).toList();
  }

  static LintUnit file(Path p) {
    java.util.Optional<LintUnit.HostConfigKind> host = hostConfigKind(p);
    if (host.isPresent()) {
      return new LintUnit.HostConfigFiles(host.get(), List.of(p));
    }
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      return new LintUnit.ComposeProject(List.of(p));
    }
    return new LintUnit.Script(p, isMakefile(name));
  }

  private static boolean isMakefile(String lowerName) {
    return lowerName.equals("makefile") || lowerName.equals("gnumakefile") || lowerName.endsWith(".mk");
  }

  private static List<LintUnit> directory(Path root) {
    Map<Path, List<Path>> byDir = new TreeMap<>();
    List<LintUnit> scripts = new ArrayList<>();
    List<LintUnit> hostFiles = new ArrayList<>();
    Map<Path, List<Path>> jails = new TreeMap<>();
    Map<Path, List<Path>> sysctls = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(Files::isRegularFile)
          .filter(f -> !skipped(root, f))
          .sorted()
          .forEach(f -> {
            String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
            java.util.Optional<LintUnit.HostConfigKind> host = hostConfigKind(f);
            if (host.filter(k -> k == LintUnit.HostConfigKind.FAIL2BAN).isPresent()) {
              jails.computeIfAbsent(mergeRoot(f, "jail.d"), d -> new ArrayList<>()).add(f);
            } else if (host.filter(k -> k == LintUnit.HostConfigKind.SYSCTL).isPresent()) {
              sysctls.computeIfAbsent(mergeRoot(f, "sysctl.d"), d -> new ArrayList<>()).add(f);
            } else if (host.isPresent()) {
              hostFiles.add(new LintUnit.HostConfigFiles(host.get(), List.of(f)));
            } else if ((name.endsWith(".yaml") || name.endsWith(".yml")) && name.contains("compose")) {
              byDir.computeIfAbsent(f.getParent(), d -> new ArrayList<>()).add(f);
            } else if (name.endsWith(".sh") || name.endsWith(".bash") || isMakefile(name)) {
              scripts.add(new LintUnit.Script(f, isMakefile(name)));
            } else if (!name.contains(".") && hasShellShebang(f)) {
              scripts.add(new LintUnit.Script(f, false));
            }
          });
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new BadInputException(DisplayPath.display(root) + ": cannot search the directory: " + e.getMessage());
    }
    List<LintUnit> units = new ArrayList<>();
    for (List<Path> files : byDir.values()) {
      units.addAll(group(files));
    }
    units.addAll(scripts);
    units.addAll(hostFiles);
    // fail2ban merges the jail files of one directory: they are linted as one.
    jails.values().forEach(files -> units.add(new LintUnit.HostConfigFiles(LintUnit.HostConfigKind.FAIL2BAN, files)));
    // sysctl.d's files and sysctl.conf beside it are applied in one order: a later one undoes an earlier one.
    sysctls.values().forEach(files -> units.add(new LintUnit.HostConfigFiles(LintUnit.HostConfigKind.SYSCTL,
        sysctlOrder(files))));
    return units;
  }

  /** A base compose file and its override in the same directory are one project. */
  private static List<LintUnit> group(List<Path> files) {
    List<LintUnit> out = new ArrayList<>();
    List<Path> overrides = new ArrayList<>(files.stream()
        .filter(f -> OVERRIDE_OF.containsKey(f.getFileName().toString())).toList());
    for (Path f : files) {
      String name = f.getFileName().toString();
      if (OVERRIDE_OF.containsKey(name)) {
        continue;
      }
      if (BASE_NAMES.contains(name)) {
        String stem = name.substring(0, name.indexOf('.'));
        List<Path> project = new ArrayList<>(List.of(f));
        overrides.stream().filter(o -> OVERRIDE_OF.get(o.getFileName().toString()).equals(stem))
            .findFirst().ifPresent(o -> {
              project.add(o);
              overrides.remove(o);
            });
        out.add(new LintUnit.ComposeProject(project));
      } else {
        out.add(new LintUnit.ComposeProject(List.of(f)));
      }
    }
    overrides.forEach(o -> out.add(new LintUnit.ComposeProject(List.of(o))));
    return out;
  }

  private static boolean skipped(Path root, Path file) {
    Path rel = root.relativize(file);
    for (int i = 0; i < rel.getNameCount() - 1; i++) {
      String part = rel.getName(i).toString();
      if ((part.startsWith(".") && !part.equals(".") && !part.equals("..")) || SKIPPED_DIRS.contains(part)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasShellShebang(Path f) {
    try (InputStream in = Files.newInputStream(f)) {
      byte[] head = in.readNBytes(64);
      String s = new String(head, StandardCharsets.ISO_8859_1);
      return s.startsWith("#!") && s.lines().findFirst().orElse("").matches("#!.*\\b(ba|da|z|k)?sh\\b.*");
    } catch (IOException e) {
      return false;
    }
  }
}
