package dev.breakwater.lint;

import dev.breakwater.catalog.Severity;

/** The {@link RuleInfo} of a rule class as a value. */
public record RuleMeta(String id, String name, String summary, Severity severity, String why, String fix,
    boolean fixOnRequest, String exampleFile, String bad, String good, String besideCompose) {
  static RuleMeta of(Class<?> ruleClass) {
    RuleInfo info = ruleClass.getAnnotation(RuleInfo.class);
    if (info == null) {
      throw new IllegalStateException(ruleClass + " lacks @RuleInfo");
    }
    return new RuleMeta(info.id(), info.name(), info.summary(), info.severity(), info.why(), info.fix(),
        info.fixOnRequest(), info.exampleFile(), info.bad(), info.good(), info.besideCompose());
  }

  public String docsPath() {
    return "docs/rules/" + id + ".md";
  }
}
