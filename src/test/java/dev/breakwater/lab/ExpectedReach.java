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

  /**
   * The attempts as probe results, for {@link AuditCheck#compare}: only whether each connected
   * counts there, so a refusal is read as a time-out.
   */
  List<AttackerProbe.Result> results() {
    return attempts.stream()
        .map(a -> new AttackerProbe.Result(new AttackerProbe.Probe(a.source(), a.target(), a.port()),
            a.reached() ? AttackerProbe.Outcome.CONNECTED : AttackerProbe.Outcome.TIMED_OUT, a.banner()))
        .toList();
  }

  static ExpectedReach read(Path expectedMd) throws IOException {
    return read(expectedMd, "probe");
  }

  /** The {@code ```block} of that name; {@code neighbour} holds `lab probe --neighbour` lines. Empty when absent and not "probe". */
  static ExpectedReach read(Path expectedMd, String block) throws IOException {
    String text = Files.readString(expectedMd);
    String fence = "```" + block + "\n";
    int start = text.indexOf(fence);
    if (start < 0) {
      if (block.equals("probe")) {
        throw new IllegalArgumentException(expectedMd + ": no ```probe block");
      }
      return new ExpectedReach(List.of());
    }
    int end = text.indexOf("```", start + fence.length());
    List<Attempt> attempts = new ArrayList<>();
    for (String line : text.substring(start + fence.length(), end).strip().split("\n")) {
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
