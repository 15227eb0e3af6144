package dev.breakwater.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ```probe} block of a lab corpus EXPECTED.md: what `breakwater lab probe` printed
 * when the snapshot was taken, one real connection attempt a line.
 */
record ExpectedReach(List<Attempt> attempts) {
  private static final Pattern LINE = Pattern.compile(
      "(\\S+) -> \\[?([0-9a-fA-F:.]+?)\\]?:(\\d+)\\s+(connected|timed out|refused|error)\\s*(?:\"(.*)\")?");

  /** @param banner what the server said first, empty when nothing */
  record Attempt(String source, String target, int port, boolean reached, String banner) {}

  static ExpectedReach read(Path expectedMd) throws IOException {
    String text = Files.readString(expectedMd);
    int start = text.indexOf("```probe\n");
    if (start < 0) {
      throw new IllegalArgumentException(expectedMd + ": no ```probe block");
    }
    int end = text.indexOf("```", start + 9);
    List<Attempt> attempts = new ArrayList<>();
    for (String line : text.substring(start + 9, end).strip().split("\n")) {
      Matcher m = LINE.matcher(line.strip());
      if (!m.matches()) {
        throw new IllegalArgumentException(expectedMd + ": not a probe line: " + line);
      }
      attempts.add(new Attempt(m.group(1), m.group(2), Integer.parseInt(m.group(3)), m.group(4).equals("connected"),
          m.group(5) == null ? "" : m.group(5)));
    }
    return new ExpectedReach(attempts);
  }
}
