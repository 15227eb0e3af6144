package dev.breakwater.watch;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One structured log line, {@code key=value} pairs separated by spaces, in the order they were
 * added ({@code ts} and {@code event} first), the logfmt convention that journald, Loki and
 * grep all read. A value with a space, a quote, an equals sign or nothing in it is quoted.
 */
public final class LogLine {
  private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_.,:/@+\\-\\[\\]]+");
  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]*");

  private final Map<String, String> fields = new LinkedHashMap<>();

  private LogLine(Instant ts, String event) {
    fields.put("ts", ts.truncatedTo(ChronoUnit.MILLIS).toString());
    fields.put("event", event);
  }

  public static LogLine at(Instant ts, String event) {
    return new LogLine(ts, event);
  }

  public LogLine with(String key, Object value) {
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("not a log key: " + key);
    }
    fields.put(key, String.valueOf(value));
    return this;
  }

  @Override
  public String toString() {
    StringBuilder line = new StringBuilder();
    for (Map.Entry<String, String> field : fields.entrySet()) {
      if (!line.isEmpty()) {
        line.append(' ');
      }
      line.append(field.getKey()).append('=').append(quoted(field.getValue()));
    }
    return line.toString();
  }

  static String quoted(String value) {
    if (BARE.matcher(value).matches()) {
      return value;
    }
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
