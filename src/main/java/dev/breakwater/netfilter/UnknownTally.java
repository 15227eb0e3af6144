package dev.breakwater.netfilter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts the matches and targets kept as unknown, one warning per kind (not per rule: a host with
 * 10,000 rate-limit rules gets one line), naming the first line that uses it.
 */
final class UnknownTally {
  private record Kind(char what, String name, TableName table) {}

  private final String source;
  private final Map<Kind, int[]> firstLineAndCount = new LinkedHashMap<>();

  UnknownTally(String source) {
    this.source = source;
  }

  void count(Rule rule) {
    for (Match m : rule.matches()) {
      if (m instanceof Match.Unknown u) {
        add(u.module().isEmpty() ? new Kind('o', firstWord(u.text()), null) : new Kind('m', u.module(), null), rule.line());
      }
    }
    if (rule.target() instanceof Target.Unknown t) {
      add(new Kind('t', t.name(), rule.table()), rule.line());
    }
  }

  private void add(Kind kind, int line) {
    int[] entry = firstLineAndCount.computeIfAbsent(kind, k -> new int[] {line, 0});
    entry[0] = Math.min(entry[0], line);
    entry[1]++;
  }

  List<String> warnings() {
    List<String> out = new ArrayList<>();
    firstLineAndCount.forEach((kind, entry) -> out.add(source + ":" + entry[0] + ": " + describe(kind)
        + "; answers that depend on it say 'possibly' (" + entry[1] + (entry[1] == 1 ? " rule)" : " rules)")));
    return out;
  }

  private static String describe(Kind kind) {
    return switch (kind.what()) {
      case 'o' -> "option '" + kind.name() + "' is not modelled";
      case 'm' -> "match module '" + kind.name() + "' is not modelled";
      default -> "target '" + kind.name() + "' is not modelled (not a known target nor a user chain of table "
          + kind.table().label() + ")";
    };
  }

  private static String firstWord(String text) {
    String t = text.startsWith("! ") ? text.substring(2) : text;
    int space = t.indexOf(' ');
    return space < 0 ? t : t.substring(0, space);
  }
}
