package dev.breakwater.compose;

/**
 * Something the reader could not know about a declaration, kept instead of thrown so the rest of
 * the file is still linted: a publication whose host address depends on a branch or on the
 * caller's environment, or a value that does not parse.
 */
public record ReadingNote(Kind kind, String message, Scalar where) {
  public enum Kind {
    /** The host address is a variable whose value at the line lint cannot tell. */
    ADDRESS_UNKNOWN,
    /** A value lint cannot read (a malformed {@code -p}); the rest of the line and file still count. */
    UNREADABLE
  }
}
