package dev.breakwater.lint;

import java.util.List;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * SARIF 2.1.0 for GitHub code scanning: one run, the rule descriptors generated from each rule's
 * {@link RuleInfo}, one result per finding with a physical location (artifact URI relative to
 * the working directory, start/end line and column). Suppressed findings carry a SARIF {@code
 * suppressions} entry, which GitHub shows as dismissed.
 */
public final class SarifLog {
  public static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

  private SarifLog() {}

  /** The SARIF document; {@code cli} writes it with the one JSON configuration. */
  public static ObjectNode document(List<LintFinding> findings, String version) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("$schema", SCHEMA);
    root.put("version", "2.1.0");
    ObjectNode run = root.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", "breakwater");
    driver.put("semanticVersion", version);
    driver.put("informationUri", "https://github.com/breakwater-dev/breakwater");
    ArrayNode rules = driver.putArray("rules");
    List<RuleMeta> metas = Rules.metas();
    for (RuleMeta m : metas) {
      ObjectNode r = rules.addObject();
      r.put("id", m.id());
      r.put("name", m.name());
      r.putObject("shortDescription").put("text", m.summary());
      r.putObject("fullDescription").put("text", oneParagraph(m.why()));
      r.putObject("help").put("text", oneParagraph(m.fix())).put("markdown", "**Why:** " + m.why() + "\n\n**Fix:** " + m.fix());
      r.putObject("defaultConfiguration").put("level", m.severity().sarifLevel());
      ObjectNode props = r.putObject("properties");
      props.put("security-severity", m.severity().securitySeverity());
      props.putArray("tags").add("security").add("docker");
    }
    ArrayNode results = run.putArray("results");
    for (LintFinding f : findings) {
      ObjectNode res = results.addObject();
      res.put("ruleId", f.rule().id());
      res.put("ruleIndex", metas.indexOf(f.rule()));
      res.put("level", f.severity().sarifLevel());
      res.putObject("message").put("text", f.message());
      ObjectNode phys = res.putArray("locations").addObject().putObject("physicalLocation");
      phys.putObject("artifactLocation").put("uri", f.file().displayPath().replace('\\', '/'));
      int endOffset = Math.max(f.start(), f.end());
      ObjectNode region = phys.putObject("region");
      region.put("startLine", f.line());
      region.put("startColumn", f.column());
      region.put("endLine", f.file().line(endOffset));
      region.put("endColumn", f.file().column(endOffset) + (f.end() == f.start() ? 1 : 0));
      region.putObject("snippet").put("text", f.file().lineText(f.line()));
      res.putObject("properties").put("severity", f.severity().label()).put("service", f.service());
      res.putObject("partialFingerprints").put("breakwater/v1",
          Integer.toHexString((f.rule().id() + "|" + f.service() + "|" + f.file().lineText(f.line()).strip()).hashCode()));
      f.suppression().ifPresent(reason -> res.putArray("suppressions").addObject()
          .put("kind", "inSource").put("justification", reason));
    }
    return root;
  }

  private static String oneParagraph(String markdown) {
    return markdown.replaceAll("\\s*\n\\s*", " ").strip();
  }
}
