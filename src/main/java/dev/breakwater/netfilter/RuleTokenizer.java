package dev.breakwater.netfilter;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a rule line into words the way iptables-restore does (xtables' {@code
 * add_param_to_argv}): blanks separate words, double quotes group them, and inside quotes a
 * backslash escapes the next character, so {@code --comment "DOCKER-USER \"x\""} is one word.
 */
final class RuleTokenizer {
  private RuleTokenizer() {}

  /** @throws RuleSyntaxError on an unterminated quote */
  static List<RuleToken> tokenize(String line) {
    if (line.indexOf('"') < 0 && line.indexOf('\t') < 0) {
      return splitOnSpaces(line);
    }
    return tokenizeQuoted(line);
  }

  /** Most lines have no quotes: split on single spaces with the vectorised indexOf. */
  private static List<RuleToken> splitOnSpaces(String line) {
    List<RuleToken> tokens = new ArrayList<>(24);
    int n = line.length();
    int i = 0;
    while (i < n) {
      if (line.charAt(i) == ' ') {
        i++;
        continue;
      }
      int end = line.indexOf(' ', i);
      if (end < 0) {
        end = n;
      }
      tokens.add(new RuleToken(line.substring(i, end), i, end, false));
      i = end;
    }
    return tokens;
  }

  private static List<RuleToken> tokenizeQuoted(String line) {
    List<RuleToken> tokens = new ArrayList<>(24);
    int n = line.length();
    int i = 0;
    StringBuilder buf = null;
    while (i < n) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t') {
        i++;
        continue;
      }
      int start = i;
      boolean quoted = false;
      boolean inQuote = false;
      boolean plain = true; // no quote or escape seen: the text is a plain substring
      if (buf != null) {
        buf.setLength(0);
      }
      while (i < n) {
        c = line.charAt(i);
        if (inQuote) {
          if (c == '\\' && i + 1 < n) {
            buf.append(line.charAt(i + 1));
            i += 2;
            continue;
          }
          if (c == '"') {
            inQuote = false;
            i++;
            continue;
          }
          buf.append(c);
          i++;
          continue;
        }
        if (c == ' ' || c == '\t') {
          break;
        }
        if (c == '"' || (c == '\\' && i + 1 < n && line.charAt(i + 1) == '"')) {
          if (plain) {
            if (buf == null) {
              buf = new StringBuilder(32);
            }
            buf.append(line, start, i);
            plain = false;
          }
          if (c == '"') {
            inQuote = true;
            quoted = true;
            i++;
          } else {
            buf.append('"');
            i += 2;
          }
          continue;
        }
        if (!plain) {
          buf.append(c);
        }
        i++;
      }
      if (inQuote) {
        throw new RuleSyntaxError("a closing double quote (the quote at column " + (start + 1) + " is never closed)");
      }
      String text = plain ? line.substring(start, i) : buf.toString();
      tokens.add(new RuleToken(text, start, i, quoted));
    }
    return tokens;
  }
}
