package dev.breakwater.netfilter;

import java.util.List;

/**
 * One option of a rule with its values: {@code ! --dport 22}, {@code -s ! 10.0.0.0/8} (the old
 * spelling of the same negation), {@code --tcp-flags SYN,ACK SYN}.
 *
 * @param line the whole rule line
 * @param start offset in the line of its first token (the {@code !} if written before)
 * @param end offset just past its last token
 */
record OptionEntry(String line, String name, boolean negated, List<RuleToken> values, int start, int end) {

  /** The option as written, quotes and all. */
  String text() {
    return line.substring(start, end);
  }

  int arity() {
    return values.size();
  }

  String value(int i) {
    return values.get(i).text();
  }

  /** The option's only value; a missing or extra value is an error that names the option. */
  String single() {
    if (values.size() != 1) {
      throw new RuleSyntaxError(values.isEmpty()
          ? "a value after " + name
          : "one value after " + name + ", got " + values.size() + " ('" + values.get(1).text() + "' is extra)");
    }
    return values.get(0).text();
  }

  void requireArity(int n, String what) {
    if (values.size() != n) {
      throw new RuleSyntaxError(what + " after " + name + (values.isEmpty() ? "" : ", got " + values.size() + " values"));
    }
  }
}
