package dev.breakwater.cli;

/** Exit codes shared by every verb, as documented in {@code breakwater --help}. */
public final class ExitCodes {
  public static final int CLEAN = 0;
  public static final int FINDINGS = 1;
  public static final int BAD_INPUT = 2;
  /** A missing tool, privilege or daemon: the same code as bad input, as the README says. */
  public static final int ENVIRONMENT = 2;
  /** A bug in Breakwater: the handler printed a trace. */
  public static final int INTERNAL_ERROR = 3;

  private ExitCodes() {}
}
