package dev.breakwater.cli;

/** Exit codes shared by every verb, as documented in {@code breakwater --help}. */
public final class ExitCodes {
  public static final int CLEAN = 0;
  public static final int FINDINGS = 1;
  public static final int BAD_INPUT = 2;

  private ExitCodes() {}
}
