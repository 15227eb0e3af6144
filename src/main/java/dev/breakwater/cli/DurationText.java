package dev.breakwater.cli;


import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code 90s}, {@code 5m}, {@code 1h}, {@code 1500ms}, or ISO-8601 ({@code PT5M}). */
final class DurationText {
  private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  private DurationText() {}

  static Duration parse(String option, String text) {
    Matcher m = SIMPLE.matcher(text.trim());
    Duration d;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    } else {
      try {
        d = Duration.parse(text.trim());
      } catch (DateTimeParseException e) {
        throw new UserError(option + ": expected a duration like 90s, 5m or 1h, got '" + text + "'");
      }
    }
    if (d.isNegative() || d.isZero()) {
      throw new UserError(option + ": expected a duration above zero, got '" + text + "'");
    }
    return d;
  }
}
