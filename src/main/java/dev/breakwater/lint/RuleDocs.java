package dev.breakwater.lint;

/** The Markdown page {@code docs/rules/ID.md} of a rule, generated from its {@link RuleInfo}. */
public final class RuleDocs {
  private RuleDocs() {}

  public static String page(RuleMeta m) {
    return "# " + m.id() + " " + m.name() + "\n\n"
        + "_Generated from the rule's metadata (`" + m.name() + ".java`); edit it there._\n\n"
        + "**Severity:** " + m.severity().label() + " (at most)\n\n"
        + m.summary() + "\n\n"
        + "## Why it matters\n\n" + m.why().strip() + "\n\n"
        + "## How to fix it\n\n" + m.fix().strip() + "\n\n"
        + examples(m)
        + "## Suppressing it\n\n"
        + (m.exampleFile().endsWith(".json") ? "JSON has no comments: in `.breakwater-lint.yaml`:\n\n"
            : "On the line, or alone on the line above:\n\n"
            + "```yaml\n- \"8080:80\"  # breakwater:ignore " + m.id() + " the reason\n```\n\n"
            + "or in `.breakwater-lint.yaml`:\n\n")
        + "```yaml\nignore:\n  - rule: " + m.id() + "\n    path: \"deploy/**\"\n    reason: the reason\n```\n";
  }

  private static String examples(RuleMeta m) {
    if (m.bad().isEmpty()) {
      return "";
    }
    String lang = m.exampleFile().endsWith(".yaml") || m.exampleFile().endsWith(".yml") ? "yaml"
        : m.exampleFile().endsWith(".sh") || m.exampleFile().endsWith("/ufw") ? "sh"
        : m.exampleFile().endsWith(".json") ? "json"
        : m.exampleFile().startsWith("jail") || m.exampleFile().endsWith(".conf") ? "ini" : "make";
    String beside = m.besideCompose().isBlank() ? ""
        : "With this `compose.yaml` in the repository:\n\n```yaml\n" + m.besideCompose().stripTrailing() + "\n```\n\n";
    return "## Examples\n\n" + beside
        + "Flagged (`" + m.exampleFile() + "`):\n\n```" + lang + "\n" + m.bad().stripTrailing() + "\n```\n\n"
        + "Not flagged:\n\n```" + lang + "\n" + m.good().stripTrailing() + "\n```\n\n";
  }
}
