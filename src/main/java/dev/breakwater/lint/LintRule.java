package dev.breakwater.lint;

import dev.breakwater.compose.Service;

import java.util.List;

/** One lint check: looks at one declared container and returns its findings (never throws). */
interface LintRule {
  List<LintFinding> check(Service service);

  default RuleMeta meta() {
    return RuleMeta.of(getClass());
  }
}
