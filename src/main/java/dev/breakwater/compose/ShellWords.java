package dev.breakwater.compose;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a shell script or Makefile into simple commands made of words, each with its span in
 * the file. Handles quotes, backslash continuations, comments, command separators and variable
 * expansion from the file's own assignments.
 *
 * <p>A shell script is read in order, as the shell runs it: a {@code $VAR} takes the value of
 * the last assignment ({@code VAR=x}, {@code export VAR=x}, {@code readonly}, {@code local},
 * {@code declare}) before it; {@code unset VAR} forgets it. An assignment inside an {@code
 * if}/{@code case}/loop/{@code { }} body makes the variable's value after that block depend on
 * the branch taken: the word is then unresolved and says why ({@link Word#doubt()}). A Makefile
 * is read as make does: every variable is expanded when the recipe runs, after the whole file
 * was read, so the last {@code =}/{@code :=} wins and {@code ?=} sets only an unset one. A
 * variable the file does not assign stays in the word as {@code $NAME} and the word is marked
 * unresolved; {@code ${NAME:?message}} of such a variable also says why.
 */
final class ShellWords {

  /**
   * One word: its expanded value and where it was written. {@code doubt} says why a variable in
   * it has no value lint can know, when that is worth reporting (a branch, a required variable).
   */
  record Word(String value, int start, int end, boolean unresolved, Optional<String> doubt) {}

  /** A variable's value at this point of the script: known, or unknown and why. */
  private record Value(String text, Optional<String> doubt) {
    static Value known(String text) {
      return new Value(text, Optional.empty());
    }
  }

  /** An open if/case/loop/brace body: where it started and which variables it assigned. */
  private record Block(String keyword, int line, Set<String> assigned) {}

  private static final Pattern MAKE_ASSIGNMENT = Pattern.compile(
      "(?m)^[ \\t]*(?:export[ \\t]+|override[ \\t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \\t]*(\\?=|:=|::=|\\+=|=)[ \\t]*(\"[^\"\\n]*\"|'[^'\\n]*'|[^\\s;#&|]*)");
  private static final Pattern NAME_EQ = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\+?=.*", Pattern.DOTALL);
  private static final Set<String> OPENS = Set.of("if", "case", "for", "while", "until", "select", "{");
  private static final Set<String> CLOSES = Set.of("fi", "esac", "done", "}");
  private static final Set<String> CONTINUES = Set.of("then", "else", "elif", "do", "!", "time");
  private static final Set<String> DECLARES = Set.of("export", "readonly", "local", "declare", "typeset");

  private final String text;
  private final boolean makefile;
  private final Map<String, Value> vars = new HashMap<>();
  private final Deque<Block> blocks = new ArrayDeque<>();
  private int pos;
  private Optional<String> doubt = Optional.empty();
  private int lineCountedTo;
  private int linesBefore;

  private ShellWords(String text, boolean makefile) {
    this.text = text;
    this.makefile = makefile;
    if (makefile) {
      Matcher m = MAKE_ASSIGNMENT.matcher(text);
      while (m.find()) {
        String v = m.group(3);
        if (v.length() >= 2 && (v.startsWith("\"") || v.startsWith("'"))) {
          v = v.substring(1, v.length() - 1);
        }
        if (m.group(2).equals("?=") && vars.containsKey(m.group(1))) {
          continue;
        }
        vars.put(m.group(1), v.contains("$") || v.contains("`")
            ? new Value(null, Optional.empty()) : Value.known(v));
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

  private void endCommand(List<List<Word>> commands, List<Word> current) {
    List<Word> command = makefile ? current : shellCommand(current);
    if (!command.isEmpty()) {
      commands.add(command);
    }
  }

  /**
   * Applies what a shell command does to the variables (assignments, unset, block keywords) and
   * returns the simple command left to look at: without reserved words, empty for an assignment.
   */
  private List<Word> shellCommand(List<Word> words) {
    int i = 0;
    while (i < words.size()) {
      String w = raw(words.get(i));
      if (OPENS.contains(w)) {
        blocks.push(new Block(w, lineOf(words.get(i).start()), new HashSet<>()));
        if (w.equals("for") || w.equals("case") || w.equals("select")) {
          return List.of();
        }
        i++;
      } else if (CLOSES.contains(w)) {
        closeBlock(words.get(i).start());
        i++;
      } else if (CONTINUES.contains(w)) {
        i++;
      } else {
        break;
      }
    }
    List<Word> rest = words.subList(i, words.size());
    if (rest.isEmpty()) {
      return List.of();
    }
    String first = raw(rest.get(0));
    if (first.equals("unset")) {
      for (Word w : rest.subList(1, rest.size())) {
        if (!w.value().startsWith("-")) {
          vars.remove(w.value());
          assigned(w.value());
        }
      }
      return List.of();
    }
    boolean declaration = DECLARES.contains(first);
    int k = declaration ? 1 : 0;
    List<Word> assignments = new ArrayList<>();
    while (k < rest.size() && (NAME_EQ.matcher(raw(rest.get(k))).matches()
        || declaration && rest.get(k).value().startsWith("-"))) {
      assignments.add(rest.get(k));
      k++;
    }
    if (k < rest.size() && !declaration) {
      return List.copyOf(rest); // FOO=x cmd: FOO is set for cmd only, and not when cmd's words expand
    }
    for (Word a : assignments) {
      String v = a.value();
      int eq = v.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      boolean append = v.charAt(eq - 1) == '+';
      String name = v.substring(0, append ? eq - 1 : eq);
      String value = v.substring(eq + 1);
      Value before = vars.get(name);
      if (a.unresolved() || append && before != null && before.text() == null) {
        vars.put(name, new Value(null, a.doubt().or(() -> before == null ? Optional.empty() : before.doubt())));
      } else {
        vars.put(name, Value.known(append && before != null ? before.text() + value : value));
      }
      assigned(name);
    }
    return declaration ? List.of() : List.copyOf(rest.subList(k, rest.size()));
  }

  private void assigned(String name) {
    if (!blocks.isEmpty()) {
      blocks.peek().assigned().add(name);
    }
  }

  /** After a block, what it assigned depends on whether (and which of) its bodies ran. */
  private void closeBlock(int at) {
    if (blocks.isEmpty()) {
      return;
    }
    Block b = blocks.pop();
    String keyword = b.keyword().equals("{") ? "{ } group or function" : b.keyword();
    for (String name : b.assigned()) {
      vars.put(name, new Value(null, Optional.of("$" + name + " is assigned inside the " + keyword
          + " at line " + b.line() + ", so its value here depends on the branch taken")));
      assigned(name);
    }
  }

  private String raw(Word w) {
    return text.substring(w.start(), w.end());
  }

  /** 1-based line of an offset; counts from the last block's line so a script is read once. */
  private int lineOf(int offset) {
    for (; lineCountedTo < offset && lineCountedTo < text.length(); lineCountedTo++) {
      if (text.charAt(lineCountedTo) == '\n') {
        linesBefore++;
      }
    }
    return linesBefore + 1;
  }

  private Word word() {
    int start = pos;
    StringBuilder value = new StringBuilder();
    boolean unresolved = false;
    doubt = Optional.empty();
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
    return new Word(value.toString(), start, pos, unresolved, doubt);
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
      Value known = vars.get(name);
      String value = known == null ? null : known.text();
      String rest = body.substring(Math.min(name.length(), body.length()));
      if (known == null && (rest.startsWith(":-") || rest.startsWith("-")
          || rest.startsWith(":=") || rest.startsWith("="))) {
        value = rest.substring(rest.startsWith(":") ? 2 : 1);
      }
      if (value == null) {
        if (known != null) {
          doubt = doubt.or(known::doubt);
        } else if (rest.startsWith(":?") || rest.startsWith("?")) {
          String message = rest.substring(rest.indexOf('?') + 1).strip();
          doubt = doubt.or(() -> Optional.of("${" + name + ":?} requires " + name + ", which the script does "
              + "not set" + (message.isEmpty() ? "" : " (\"" + message + "\")") + ": the caller's environment decides"));
        }
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
      Value value = vars.get(name);
      if (value == null || value.text() == null) {
        if (value != null) {
          doubt = doubt.or(value::doubt);
        }
        out.append('$').append(name);
        return true;
      }
      out.append(value.text());
      return false;
    }
    out.append('$');
    pos = n;
    return false;
  }
}
