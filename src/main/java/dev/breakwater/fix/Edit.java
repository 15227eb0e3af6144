package dev.breakwater.fix;

/** Replace the chars {@code [start, end)} of a file with {@code text}; an insertion when start == end. */
public record Edit(int start, int end, String text) {
  public Edit {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad edit span " + start + ".." + end);
    }
  }

  static String apply(String original, java.util.List<Edit> edits) {
    StringBuilder b = new StringBuilder(original);
    edits.stream().sorted(java.util.Comparator.comparingInt(Edit::start).reversed())
        .forEach(e -> b.replace(e.start(), e.end(), e.text()));
    return b.toString();
  }
}
