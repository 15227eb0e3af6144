package dev.breakwater.hostconf;

/** Where a setting is written: the file as the user named it, a 1-based line and column. */
public record ConfigPlace(String file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
