package dev.breakwater.lint;

import dev.breakwater.compose.BadInputException;
import dev.breakwater.compose.ComposeDocument;
import dev.breakwater.compose.ComposeMerge;
import dev.breakwater.compose.ComposeReader;
import dev.breakwater.compose.DisplayPath;
import dev.breakwater.compose.DockerRunReader;
import dev.breakwater.compose.Interpolator;
import dev.breakwater.compose.Project;
import dev.breakwater.compose.Service;
import dev.breakwater.compose.SourceFile;
import dev.breakwater.compose.HostBinding;
import dev.breakwater.compose.PortEntry;
import dev.breakwater.hostconf.ContainerPublish;
import dev.breakwater.hostconf.DaemonJsonChecks;
import dev.breakwater.hostconf.DaemonJsonKeys;
import dev.breakwater.hostconf.Fail2banChecks;
import dev.breakwater.hostconf.HostConfigFinding;
import dev.breakwater.hostconf.JailConfig;
import dev.breakwater.hostconf.SysctlChecks;
import dev.breakwater.hostconf.SysctlValues;
import dev.breakwater.hostconf.UfwDefaultChecks;
import dev.breakwater.hostconf.UfwDefaults;
import dev.breakwater.problem.BadInput;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a lint unit, runs every rule on every declared container and applies suppressions. The
 * only I/O is reading the unit's files and the project's {@code .env}.
 */
public final class Linter {
  private final LintConfig config;
  private final ProxyUpstreams upstreams;
  private final List<ContainerPublish> published;
  private final List<ContainerPublish> loopbackPublished;

  public Linter(LintConfig config) {
    this(config, ProxyUpstreams.none());
  }

  /** {@code upstreams}: the ports a reverse proxy in the linted tree reaches (see {@link ProxyUpstreams}). */
  public Linter(LintConfig config, ProxyUpstreams upstreams) {
    this(config, upstreams, List.of(), List.of());
  }

  private Linter(LintConfig config, ProxyUpstreams upstreams, List<ContainerPublish> published,
      List<ContainerPublish> loopbackPublished) {
    this.config = config;
    this.upstreams = upstreams;
    this.published = List.copyOf(published);
    this.loopbackPublished = List.copyOf(loopbackPublished);
  }

  /**
   * The same linter, knowing the ports the tree's compose files and scripts publish beyond
   * loopback and on it: a fail2ban jail is judged against the first, route_localnet against the second.
   */
  public Linter withPublished(List<ContainerPublish> ports, List<ContainerPublish> loopbackPorts) {
    return new Linter(config, upstreams, ports, loopbackPorts);
  }

  /**
   * The result of one unit: its findings (suppressed ones included, marked), its files, and the
   * ports its containers publish beyond loopback and on loopback (for {@link #withPublished}).
   */
  public record Result(List<LintFinding> findings, List<SourceFile> files, List<ContainerPublish> published,
      List<ContainerPublish> loopbackPublished) {
    public Result {
      published = List.copyOf(published);
      loopbackPublished = List.copyOf(loopbackPublished);
    }
  }

  public Result lint(LintUnit unit) {
    if (unit instanceof LintUnit.HostConfigFiles host) {
      List<SourceFile> files = host.files().stream().map(f -> new SourceFile(f, readText(f))).toList();
      return new Result(checkHostConfig(host.kind(), files), files, List.of(), List.of());
    }
    Project project = read(unit);
    return new Result(check(project), project.files(), published(project, false), published(project, true));
  }

  /**
   * The ports the project's containers publish beyond loopback ({@code onLoopback} false) or on
   * it, each host port of a range (at most 1,024).
   */
  static List<ContainerPublish> published(Project project, boolean onLoopback) {
    List<ContainerPublish> out = new ArrayList<>();
    for (Service service : project.services()) {
      for (PortEntry port : service.hostNetwork() ? List.<PortEntry>of() : service.ports()) {
        var mapping = port.mapping();
        if ((mapping.binding() == HostBinding.LOOPBACK) != onLoopback || mapping.published().isEmpty()) {
          continue;
        }
        var range = mapping.published().get();
        for (int p = range.first(); p <= range.last() && p - range.first() < 1024; p++) {
          int target = mapping.target().isSingle() ? mapping.target().first() : mapping.target().first() + (p - range.first());
          out.add(new ContainerPublish(service.name(), p, target, mapping.protocol()));
        }
      }
    }
    return out;
  }

  /**
   * The findings of host configuration files as lint findings, at the line and column the
   * {@code hostconf} finding names (notes left out: lint reports what to change).
   */
  List<LintFinding> checkHostConfig(LintUnit.HostConfigKind kind, List<SourceFile> files) {
    List<HostConfigFinding> found;
    try {
      found = switch (kind) {
        case DAEMON_JSON -> DaemonJsonChecks.of(DaemonJsonKeys.parse(files.getFirst().text(), files.getFirst().displayPath()));
        case UFW_DEFAULT -> UfwDefaultChecks.of(UfwDefaults.parse(files.getFirst().text(), files.getFirst().displayPath()));
        case FAIL2BAN -> Fail2banChecks.of(JailConfig.parse(JailConfig.inMergeOrder(files.stream()
            .map(f -> new JailConfig.JailFile(f.displayPath(), f.text())).toList())), published);
        // A repository says nothing of forwarding being on: only route_localnet is judged (ip_forward=0 is a note).
        case SYSCTL -> SysctlChecks.of(SysctlValues.merged(files.stream()
            .map(f -> SysctlValues.parseConf(f.text(), f.displayPath())).toList()), loopbackPublished, !published.isEmpty());
      };
    } catch (BadInput e) {
      throw new BadInputException(e.getMessage());
    }
    Map<SourceFile, InlineSuppressions> inline = new HashMap<>();
    List<LintFinding> out = new ArrayList<>();
    for (HostConfigFinding f : found) {
      Optional<LintRule> rule = Rules.ALL.stream()
          .filter(r -> r instanceof HostConfigRule h && h.findingId().equals(f.id())).findFirst();
      Optional<SourceFile> file = files.stream().filter(s -> s.displayPath().equals(f.where().file())).findFirst();
      if (f.isNote() || rule.isEmpty() || file.isEmpty()) {
        continue;
      }
      SourceFile source = file.get();
      int line = Math.min(f.where().line(), source.lineCount());
      int start = Math.min(source.lineStart(line) + f.where().column() - 1, source.text().length());
      int end = source.text().indexOf('\n', start) < 0 ? source.text().length() : source.text().indexOf('\n', start);
      LintFinding finding = new LintFinding(rule.get().meta(), f.severity(), f.message() + "; fix: " + f.fix(),
          kind.label(), source, start, end, Optional.empty(), Optional.empty(), Optional.empty());
      Optional<String> reason = inline.computeIfAbsent(source, InlineSuppressions::new).reason(finding)
          .or(() -> config.reason(finding));
      out.add(reason.map(finding::suppressedBecause).orElse(finding));
    }
    out.sort(Comparator.comparing((LintFinding f) -> f.file().displayPath()).thenComparingInt(LintFinding::start));
    return out;
  }

  public static Project read(LintUnit unit) {
    return switch (unit) {
      case LintUnit.ComposeProject p -> {
        Interpolator env = new Interpolator(dotEnv(p.files().get(0)));
        List<ComposeDocument> docs = new ArrayList<>();
        for (Path f : p.files()) {
          docs.add(ComposeReader.read(new SourceFile(f, readText(f)), env));
        }
        yield ComposeMerge.merge(docs);
      }
      case LintUnit.Script s -> DockerRunReader.read(new SourceFile(s.file(), readText(s.file())), s.makefile());
      // A host configuration file declares no container.
      case LintUnit.HostConfigFiles h -> new Project(h.files().stream().map(f -> new SourceFile(f, readText(f))).toList(),
          List.of());
    };
  }

  /** Lints text already in memory (tests, the fixer's re-check). */
  public static List<LintFinding> lintText(Path name, String text, LintConfig config) {
    return lintText(name, text, config, "");
  }

  /**
   * {@link #lintText(Path, String, LintConfig)} with a compose file beside it ({@code ""} for
   * none): the ports it publishes are the tree's, as a host configuration file is judged with them.
   */
  static List<LintFinding> lintText(Path name, String text, LintConfig config, String besideCompose) {
    SourceFile file = new SourceFile(name, text);
    Optional<LintUnit.HostConfigKind> host = LintTargets.hostConfigKind(name);
    if (host.isPresent()) {
      Project beside = ComposeMerge.merge(besideCompose.isBlank() ? List.of() : List.of(
          ComposeReader.read(new SourceFile(Path.of("compose.yaml"), besideCompose), Interpolator.none())));
      return new Linter(config).withPublished(published(beside, false), published(beside, true))
          .checkHostConfig(host.get(), List.of(file));
    }
    String lower = name.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    Project project = lower.endsWith(".yaml") || lower.endsWith(".yml")
        ? ComposeMerge.merge(List.of(ComposeReader.read(file, Interpolator.none())))
        : DockerRunReader.read(file, lower.equals("makefile") || lower.endsWith(".mk"));
    return new Linter(config).check(project);
  }

  List<LintFinding> check(Project project) {
    Map<SourceFile, InlineSuppressions> inline = new HashMap<>();
    List<LintFinding> out = new ArrayList<>();
    for (Service service : project.services()) {
      for (LintRule rule : Rules.ALL) {
        for (LintFinding found : rule.check(service)) {
          LintFinding f = behindProxy(found);
          InlineSuppressions sup = inline.computeIfAbsent(f.file(), InlineSuppressions::new);
          Optional<String> reason = sup.reason(f).or(() -> config.reason(f));
          out.add(reason.map(f::suppressedBecause).orElse(f));
        }
      }
    }
    out.sort(Comparator.comparing((LintFinding f) -> f.file().displayPath())
        .thenComparingInt(LintFinding::start).thenComparing(f -> f.rule().id()));
    return out;
  }

  /**
   * A bindable publication that a proxy config in the tree names as its upstream is meant to be
   * internal: the finding says so and the fixer binds it to the address the proxy dials.
   */
  private LintFinding behindProxy(LintFinding f) {
    if (f.port().isEmpty() || f.rule().fixOnRequest()) {
      return f;
    }
    return upstreams.of(f.port().get()).map(u -> f.internalTo(u.address(), "the reverse proxy at " + u.where()
        + " reaches it on " + (u.address().contains(":") ? "[" + u.address() + "]" : u.address()) + ":" + u.port()
        + ", so it is meant to be internal: bind it to " + u.address())).orElse(f);
  }

  static String readText(Path f) {
    try {
      if (Files.size(f) > ComposeReader.MAX_CODE_POINTS) {
        throw new BadInputException(DisplayPath.display(f) + ":1:1: file is larger than the "
            + ComposeReader.MAX_CODE_POINTS / (1024 * 1024) + " MiB limit");
      }
      return Files.readString(f);
    } catch (MalformedInputException e) {
      throw new BadInputException(DisplayPath.display(f) + ":1:1: not UTF-8 text");
    } catch (IOException e) {
      throw new BadInputException(DisplayPath.display(f) + ": cannot read: " + e.getMessage());
    }
  }

  /** {@code KEY=VALUE} lines of the {@code .env} next to the first compose file. */
  static Map<String, String> dotEnv(Path composeFile) {
    Path dir = composeFile.toAbsolutePath().getParent();
    Path env = dir == null ? null : dir.resolve(".env");
    Map<String, String> vars = new LinkedHashMap<>();
    if (env == null || !Files.isRegularFile(env)) {
      return vars;
    }
    for (String line : readText(env).split("\r?\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      if (l.startsWith("export ")) {
        l = l.substring(7).strip();
      }
      int eq = l.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String value = l.substring(eq + 1).strip();
      if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
          && value.charAt(value.length() - 1) == value.charAt(0)) {
        value = value.substring(1, value.length() - 1);
      } else {
        int hash = value.indexOf(" #");
        if (hash >= 0) {
          value = value.substring(0, hash).strip();
        }
      }
      vars.put(l.substring(0, eq).strip(), value);
    }
    return vars;
  }
}
