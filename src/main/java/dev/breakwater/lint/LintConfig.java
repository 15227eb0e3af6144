package dev.breakwater.lint;

import dev.breakwater.compose.BadInputException;
import dev.breakwater.compose.ComposeReader;
import dev.breakwater.compose.DisplayPath;
import dev.breakwater.compose.SourceFile;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

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
 * fix: all      # optional: fix also what it leaves alone by default (a reverse proxy's 80/443)
 * </pre>
 */
public final class LintConfig {
  public static final String DEFAULT_NAME = ".breakwater-lint.yaml";

  record Ignore(String rule, Optional<PathMatcher> path, Optional<String> service, String reason) {}

  private final List<Ignore> ignores;
  private final boolean fixAll;

  private LintConfig(List<Ignore> ignores, boolean fixAll) {
    this.ignores = List.copyOf(ignores);
    this.fixAll = fixAll;
  }

  public static LintConfig empty() {
    return new LintConfig(List.of(), false);
  }

  /** {@code fix: all}: the fixer binds also the ports it leaves alone by default. */
  public boolean fixAll() {
    return fixAll;
  }

  public static LintConfig load(Path file) {
    String label = DisplayPath.display(file);
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new BadInputException(label + ": cannot read the lint config: " + e.getMessage());
    }
    Optional<Node> root = ComposeReader.compose(new SourceFile(file, text));
    List<Ignore> ignores = new ArrayList<>();
    if (root.isEmpty()) {
      return new LintConfig(ignores, false);
    }
    if (!(root.get() instanceof MappingNode top)) {
      throw problem(label, root.get(), "expected a mapping with an 'ignore' list");
    }
    Optional<Node> fix = value(top, "fix");
    boolean fixAll = false;
    if (fix.isPresent()) {
      if (!(fix.get() instanceof ScalarNode f && (f.getValue().equals("all") || f.getValue().equals("default")))) {
        throw problem(label, fix.get(), "expected 'fix: all' (bind every flagged port) or 'fix: default'");
      }
      fixAll = f.getValue().equals("all");
    }
    Node list = value(top, "ignore").orElse(null);
    if (list == null && fix.isPresent()) {
      return new LintConfig(ignores, fixAll);
    }
    if (!(list instanceof SequenceNode items)) {
      throw problem(label, list == null ? root.get() : list, "expected a mapping with an 'ignore' list");
    }
    for (Node item : items.getValue()) {
      Optional<String> rule = item instanceof MappingNode m ? text(m, "rule") : Optional.empty();
      Optional<String> reason = item instanceof MappingNode m ? text(m, "reason") : Optional.empty();
      if (rule.isEmpty() || reason.isEmpty() || reason.get().isBlank()) {
        throw problem(label, item,
            "expected 'rule' and a non-empty 'reason' (and optionally 'path', 'service')");
      }
      for (String r : rule.get().split(",")) {
        if (!r.equalsIgnoreCase("all") && Rules.metas().stream().noneMatch(
            meta -> r.equalsIgnoreCase(meta.id()) || r.equalsIgnoreCase(meta.name()))) {
          throw problem(label, value((MappingNode) item, "rule").orElseThrow(), "unknown rule '" + r
              + "' (see breakwater lint --list-rules)");
        }
      }
      MappingNode m = (MappingNode) item;
      Optional<PathMatcher> path = text(m, "path")
          .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g));
      ignores.add(new Ignore(rule.get(), path, text(m, "service"), reason.get()));
    }
    return new LintConfig(ignores, fixAll);
  }

  private static Optional<Node> value(MappingNode m, String key) {
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        return Optional.of(t.getValueNode());
      }
    }
    return Optional.empty();
  }

  private static Optional<String> text(MappingNode m, String key) {
    return value(m, key).filter(ScalarNode.class::isInstance).map(n -> ((ScalarNode) n).getValue());
  }

  private static BadInputException problem(String label, Node at, String what) {
    String where = at.getStartMark().map(mk -> (mk.getLine() + 1) + ":" + (mk.getColumn() + 1)).orElse("1:1");
    return new BadInputException(label + ":" + where + ": " + what);
  }

  Optional<String> reason(LintFinding f) {
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
