package dev.breakwater.compose;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * The lint config file ({@code .breakwater-lint.yaml}): suppressions that live outside the linted
 * files.
 *
 * <pre>
 * ignore:
 *   - rule: BW001                 # id or name, required
 *     path: "deploy/public/**"    # glob against the reported path, optional
 *     service: web                # optional
 *     reason: served through the load balancer   # required
 * </pre>
 */
public final class LintConfig {
  public static final String DEFAULT_NAME = ".breakwater-lint.yaml";

  record Ignore(String rule, Optional<PathMatcher> path, Optional<String> service, String reason) {}

  private final List<Ignore> ignores;

  private LintConfig(List<Ignore> ignores) {
    this.ignores = List.copyOf(ignores);
  }

  public static LintConfig empty() {
    return new LintConfig(List.of());
  }

  public static LintConfig load(Path file) {
    String label = DisplayPath.display(file);
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new BadInputException(label + ": cannot read the lint config: " + e.getMessage());
    }
    SourceFile source = new SourceFile(file, text);
    ComposeReader.compose(source); // positions for syntax errors
    Object root;
    try {
      root = new Load(ComposeReader.settings(label)).loadFromString(text);
    } catch (YamlEngineException e) {
      throw new BadInputException(label + ":1:1: " + e.getMessage().replace('\n', ' '));
    }
    List<Ignore> ignores = new ArrayList<>();
    if (root == null) {
      return new LintConfig(ignores);
    }
    if (!(root instanceof Map<?, ?> map) || !(map.get("ignore") instanceof List<?> list)) {
      throw new BadInputException(label + ":1:1: expected a mapping with an 'ignore' list");
    }
    int index = 0;
    for (Object item : list) {
      index++;
      if (!(item instanceof Map<?, ?> m) || !(m.get("rule") instanceof String rule)
          || !(m.get("reason") instanceof String reason) || reason.isBlank()) {
        throw new BadInputException(label + ": ignore entry " + index
            + ": expected 'rule' and a non-empty 'reason' (and optionally 'path', 'service')");
      }
      Optional<PathMatcher> path = Optional.ofNullable(m.get("path")).map(Object::toString)
          .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g));
      Optional<String> service = Optional.ofNullable(m.get("service")).map(Object::toString);
      ignores.add(new Ignore(rule, path, service, reason));
    }
    return new LintConfig(ignores);
  }

  Optional<String> reason(Finding f) {
    for (Ignore ig : ignores) {
      if (!InlineSuppressions.matches(ig.rule(), f.rule())) {
        continue;
      }
      if (ig.path().isPresent() && !ig.path().get().matches(Path.of(f.file().displayPath()))) {
        continue;
      }
      if (ig.service().isPresent() && !ig.service().get().equals(f.service())) {
        continue;
      }
      return Optional.of(ig.reason());
    }
    return Optional.empty();
  }
}
