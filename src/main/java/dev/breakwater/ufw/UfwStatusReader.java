package dev.breakwater.ufw;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code ufw status verbose} (plain {@code ufw status} too, which lacks the defaults).
 *
 * <p>ufw prints each rule as {@code "%-26s %-12s%s"} of To, Action and From, plus {@code " # "}
 * and the comment; a long To pushes the other columns right, so rows are split on the action word
 * ({@code ALLOW}, {@code DENY}, {@code REJECT}, {@code LIMIT}, then {@code IN}, {@code OUT} or
 * {@code FWD}, then an optional {@code (log)}/{@code (log-all)}), never on fixed columns. Plain
 * status omits {@code IN}; such rows are incoming rules. Defaults that are not printed read
 * {@code unknown}.
 */
public final class UfwStatusReader {
  private static final Pattern STATUS = Pattern.compile("Status:\\s*(active|inactive)\\s*");
  private static final Pattern DEFAULT = Pattern.compile("(\\w+) \\((incoming|outgoing|routed)\\)");
  private static final Pattern ROW = Pattern.compile(
      "(?<to>.+?)\\s+(?<action>ALLOW|DENY|REJECT|LIMIT)(?:\\s+(?<dir>IN|OUT|FWD))?"
          + "(?:\\s+\\((?:log|log-all)\\))?\\s+(?<from>.+?)(?:\\s+#\\s?(?<comment>.*))?");
  private static final Pattern HEADER = Pattern.compile("To\\s+Action\\s+From\\s*");
  private static final Pattern RULER = Pattern.compile("--\\s+------\\s+----\\s*");

  private UfwStatusReader() {}

  /** @throws UfwStatusParseException with {@code source:line: what was expected} */
  public static UfwStatus read(String text, String source) {
    String[] lines = text.split("\\R", -1);
    int first = 0;
    while (first < lines.length && lines[first].isBlank()) {
      first++;
    }
    Matcher status = first < lines.length ? STATUS.matcher(lines[first].trim()) : null;
    if (status == null || !status.matches()) {
      throw new UfwStatusParseException(source, first + 1,
          "expected \"Status: active\" or \"Status: inactive\" (produce it with: ufw status verbose, as root)");
    }
    boolean active = status.group(1).equals("active");
    String incoming = "unknown";
    String outgoing = "unknown";
    String routed = "unknown";
    List<UfwRule> rules = new ArrayList<>();
    boolean inTable = false;
    for (int i = first + 1; i < lines.length; i++) {
      String line = lines[i].strip();
      int lineNumber = i + 1;
      if (line.startsWith("Default:")) {
        Matcher d = DEFAULT.matcher(line);
        while (d.find()) {
          String policy = d.group(1).toLowerCase(Locale.ROOT);
          switch (d.group(2)) {
            case "incoming" -> incoming = policy;
            case "outgoing" -> outgoing = policy;
            default -> routed = policy;
          }
        }
      } else if (HEADER.matcher(line).matches()) {
        inTable = true;
      } else if (RULER.matcher(line).matches() || line.isEmpty()) {
        continue;
      } else if (inTable) {
        rules.add(row(line, lineNumber, source));
      }
      // Other lines before the table ("Logging: on (low)", "New profiles: skip") carry nothing we use.
    }
    return new UfwStatus(active, incoming, outgoing, routed, rules);
  }

  private static UfwRule row(String line, int lineNumber, String source) {
    Matcher m = ROW.matcher(line);
    if (!m.matches()) {
      throw new UfwStatusParseException(source, lineNumber,
          "expected a rule row \"To  Action  From\" with an action ALLOW, DENY, REJECT or LIMIT, found '" + line + "'");
    }
    String to = m.group("to").strip();
    String from = m.group("from").strip();
    boolean v6 = to.endsWith("(v6)") || from.endsWith("(v6)");
    String direction = m.group("dir") == null ? "IN" : m.group("dir");
    return new UfwRule(to, m.group("action"), direction, from, v6, lineNumber);
  }
}
