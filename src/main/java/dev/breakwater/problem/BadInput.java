package dev.breakwater.problem;

/**
 * Input a user can correct: a file, an option or a value that is not what was expected. The
 * message already says where ({@code file:line:col}, or the option) and what was expected.
 */
public final class BadInput extends RuntimeException implements InputProblem {
  public BadInput(String message) {
    super(message);
  }

  public BadInput(String message, Throwable cause) {
    super(message, cause);
  }

  /** What was found, as a message quotes it: up to 60 characters, longer text cut to 57 and {@code ...}. */
  public static String excerpt(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
