package dev.breakwater.compose;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a shell script or Makefile into simple commands made of words, each with its span in
 * the file. Handles quotes, backslash continuations, comments, command separators and variable
 * expansion from the file's own assignments ({@code PORT=3306}, {@code export PORT=3306}, make's
 * {@code PORT := 3306}). A variable the file does not assign stays in the word as {@code $NAME}
 * and the word is marked unresolved.
 */
final class ShellWords {

  /** One word: its expanded value and where it was written. */
  record Word(String value, int start, int end, boolean unresolved) {}

  private static final Pattern ASSIGNMENT = Pattern.compile(
      "(?m)^[ \\t]*(?:export[ \\t]+|readonly[ \\t]+|local[ \\t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \\t]*(?:\\?=|:=|::=|\\+=|=)[ \\t]*(\"[^\"\\n]*\"|'[^'\\n]*'|[^\\s;#&|]*)");

  private final String text;
  private final boolean makefile;
  private final Map<String, String> vars = new HashMap<>();
  private int pos;

  private ShellWords(String text, boolean makefile) {
    this.text = text;
    this.makefile = makefile;
    Matcher m = ASSIGNMENT.matcher(text);
    while (m.find()) {
      String v = m.group(2);
      if (v.length() >= 2 && (v.startsWith("\"") || v.startsWith("'"))) {
        v = v.substring(1, v.length() - 1);
      }
      if (!v.contains("$") && !v.contains("`")) {
        vars.putIfAbsent(m.group(1), v);
      }
    }
  }

  static List<List<Word>> commands(String text, boolean makefile) {
    return new ShellWords(text, makefile).split();
  }

  private List<List<Word>> split() {
    List<List<Word>> commands = new ArrayList<>();
    List<Word> current = new ArrayList<>();
    pos = 0;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '\\' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n') {
        pos += 2;
      } else if (c == '\\' && pos + 2 < text.length() && text.charAt(pos + 1) == '\r' && text.charAt(pos + 2) == '\n') {
        pos += 3;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        pos++;
      } else if (c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '`') {
        endCommand(commands, current);
        current = new ArrayList<>();
        pos++;
      } else if (c == '#' ) {
        int nl = text.indexOf('\n', pos);
        pos = nl < 0 ? text.length() : nl;
      } else {
        current.add(word());
      }
    }
    endCommand(commands, current);
    return commands;
  }

  private static void endCommand(List<List<Word>> commands, List<Word> current) {
    if (!current.isEmpty()) {
      commands.add(current);
    }
  }

  private Word word() {
    int start = pos;
    StringBuilder value = new StringBuilder();
    boolean unresolved = false;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';' || c == '&' || c == '|'
          || c == ')' || c == '(' || c == '`') {
        break;
      }
      if (c == '\\' && pos + 1 < text.length()) {
        if (text.charAt(pos + 1) == '\n') {
          break;
        }
        value.append(text.charAt(pos + 1));
        pos += 2;
      } else if (c == '\'') {
        int close = text.indexOf('\'', pos + 1);
        close = close < 0 ? text.length() : close;
        value.append(text, pos + 1, close);
        pos = Math.min(close + 1, text.length());
      } else if (c == '"') {
        pos++;
        while (pos < text.length() && text.charAt(pos) != '"') {
          char d = text.charAt(pos);
          if (d == '\\' && pos + 1 < text.length()) {
            value.append(text.charAt(pos + 1));
            pos += 2;
          } else if (d == '$') {
            unresolved |= dollar(value);
          } else {
            value.append(d);
            pos++;
          }
        }
        pos = Math.min(pos + 1, text.length());
      } else if (c == '$') {
        unresolved |= dollar(value);
      } else {
        value.append(c);
        pos++;
      }
    }
    return new Word(value.toString(), start, pos, unresolved);
  }

  /** Expands the {@code $...} at {@link #pos} into {@code out}; true when it stayed unresolved. */
  private boolean dollar(StringBuilder out) {
    int n = pos + 1;
    if (n >= text.length()) {
      out.append('$');
      pos = n;
      return false;
    }
    char c = text.charAt(n);
    if (makefile && c == '$') {
      pos = n + 1;
      out.append('$');
      return false;
    }
    if (c == '{' || c == '(') {
      char close = c == '{' ? '}' : ')';
      int depth = 0;
      int k = n;
      for (; k < text.length(); k++) {
        char d = text.charAt(k);
        if (d == c) {
          depth++;
        } else if (d == close && --depth == 0) {
          break;
        } else if (d == '\n') {
          break;
        }
      }
      String body = text.substring(n + 1, Math.min(k, text.length()));
      pos = Math.min(k + 1, text.length());
      if (c == '(' && !makefile) {
        out.append("$(").append(body).append(')');
        return true;
      }
      String name = body.replaceAll("^([A-Za-z_][A-Za-z0-9_]*).*$", "$1");
      String value = vars.get(name);
      String rest = body.substring(Math.min(name.length(), body.length()));
      if (value == null && (rest.startsWith(":-") || rest.startsWith("-"))) {
        value = rest.substring(rest.indexOf('-') + 1);
      }
      if (value == null) {
        out.append('$').append(name);
        return true;
      }
      out.append(value);
      return false;
    }
    if (Character.isLetter(c) || c == '_') {
      int k = n;
      while (k < text.length() && (Character.isLetterOrDigit(text.charAt(k)) || text.charAt(k) == '_')) {
        k++;
      }
      String name = text.substring(n, k);
      pos = k;
      String value = vars.get(name);
      if (value == null) {
        out.append('$').append(name);
        return true;
      }
      out.append(value);
      return false;
    }
    out.append('$');
    pos = n;
    return false;
  }
}
