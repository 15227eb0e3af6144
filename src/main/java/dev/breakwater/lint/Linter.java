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

  public Linter(LintConfig config) {
    this(config, ProxyUpstreams.none());
  }

  /** {@code upstreams}: the ports a reverse proxy in the linted tree reaches (see {@link ProxyUpstreams}). */
  public Linter(LintConfig config, ProxyUpstreams upstreams) {
    this.config = config;
    this.upstreams = upstreams;
  }

  /** The result of one unit: its findings (suppressed ones included, marked) and its files. */
  public record Result(List<LintFinding> findings, List<SourceFile> files) {}

  public Result lint(LintUnit unit) {
    Project project = read(unit);
    return new Result(check(project), project.files());
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
    };
  }

  /** Lints text already in memory (tests, the fixer's re-check). */
  public static List<LintFinding> lintText(Path name, String text, LintConfig config) {
    SourceFile file = new SourceFile(name, text);
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
