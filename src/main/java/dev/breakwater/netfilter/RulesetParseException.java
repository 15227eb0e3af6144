package dev.breakwater.netfilter;

import dev.breakwater.problem.InputProblem;

/** A dump that is not iptables-save output; the message reads {@code file:line: what was expected}. */
public final class RulesetParseException extends RuntimeException implements InputProblem {
  private final String file;
  private final int line;

  public RulesetParseException(String file, int line, String expected) {
    super(file + ":" + line + ": " + expected);
    this.file = file;
    this.line = line;
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }
}
