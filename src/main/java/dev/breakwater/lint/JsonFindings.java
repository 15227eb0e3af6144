package dev.breakwater.lint;

import java.util.List;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Findings as a JSON document: {@code {"findings":[{rule, name, severity, file, line, ...}]}}. */
public final class JsonFindings {
  private JsonFindings() {}

  /** The findings document; {@code cli} writes it with the one JSON configuration. */
  public static ObjectNode document(List<LintFinding> findings, int files) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("files", files);
    ArrayNode list = root.putArray("findings");
    for (LintFinding f : findings) {
      ObjectNode n = list.addObject();
      n.put("rule", f.rule().id());
      n.put("name", f.rule().name());
      n.put("severity", f.severity().label());
      n.put("file", f.file().displayPath());
      n.put("line", f.line());
      n.put("column", f.column());
      n.put("service", f.service());
      n.put("message", f.message());
      n.put("fixable", f.port().isPresent() && !f.suppressed());
      f.suppression().ifPresent(r -> n.put("suppressed", r));
    }
    return root;
  }
}
