package dev.breakwater.compose;

import java.util.Map;

/**
 * Compose variable interpolation: {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-default}}, {@code
 * ${VAR-default}}, {@code ${VAR:?error}}, {@code ${VAR?error}}, {@code ${VAR:+replacement}},
 * {@code ${VAR+replacement}} (defaults may nest) and {@code $$} for a literal dollar.
 *
 * <p>Values come from the project's {@code .env} only, so a lint result does not depend on the
 * shell that runs it. An unset required variable ({@code :?}) reads as empty, like an unset one.
 */
public final class Interpolator {
  private final Map<String, String> env;

  public Interpolator(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  public static Interpolator none() {
    return new Interpolator(Map.of());
  }

  String apply(String s) {
    if (s.indexOf('$') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '$' || i + 1 >= s.length()) {
        out.append(c);
        i++;
        continue;
      }
      char n = s.charAt(i + 1);
      if (n == '$') {
        out.append('$');
        i += 2;
      } else if (n == '{') {
        int close = matchingBrace(s, i + 1);
        if (close < 0) {
          out.append(s, i, s.length());
          break;
        }
        out.append(braced(s.substring(i + 2, close)));
        i = close + 1;
      } else if (Character.isLetter(n) || n == '_') {
        int j = i + 1;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
          j++;
        }
        out.append(env.getOrDefault(s.substring(i + 1, j), ""));
        i = j;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private String braced(String body) {
    int j = 0;
    while (j < body.length() && (Character.isLetterOrDigit(body.charAt(j)) || body.charAt(j) == '_')) {
      j++;
    }
    String name = body.substring(0, j);
    String rest = body.substring(j);
    String value = env.get(name);
    boolean colon = rest.startsWith(":");
    String op = colon ? rest.substring(1) : rest;
    boolean unsetOrEmpty = value == null || (colon && value.isEmpty());
    if (op.startsWith("-")) {
      return unsetOrEmpty ? apply(op.substring(1)) : value;
    }
    if (op.startsWith("+")) {
      return unsetOrEmpty ? "" : apply(op.substring(1));
    }
    return value == null ? "" : value;
  }

  private static int matchingBrace(String s, int open) {
    int depth = 0;
    for (int k = open; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return k;
      }
    }
    return -1;
  }

  /** Number of colons outside {@code ${...}}: the fixer only edits when it equals the value's. */
  public static int topLevelColons(String raw) {
    int count = 0;
    int depth = 0;
    for (int k = 0; k < raw.length(); k++) {
      char c = raw.charAt(k);
      if (c == '$' && k + 1 < raw.length() && raw.charAt(k + 1) == '{') {
        depth++;
        k++;
      } else if (c == '}' && depth > 0) {
        depth--;
      } else if (c == ':' && depth == 0) {
        count++;
      }
    }
    return count;
  }
}
