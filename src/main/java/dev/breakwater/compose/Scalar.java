package dev.breakwater.compose;

/** A value read from an input file, after interpolation, with the char span it came from. */
public record Scalar(String value, SourceFile file, int start, int end) {
  public String raw() {
    return file.text().substring(start, end);
  }
}
