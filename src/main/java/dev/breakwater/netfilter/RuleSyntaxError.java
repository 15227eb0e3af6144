package dev.breakwater.netfilter;

/**
 * What was expected on the line being parsed; the line-level parser adds file and line and
 * rethrows it as a {@link RulesetParseException}.
 */
final class RuleSyntaxError extends RuntimeException {
  RuleSyntaxError(String expected) {
    super(expected, null, false, false);
  }
}
