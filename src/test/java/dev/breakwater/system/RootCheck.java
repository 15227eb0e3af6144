package dev.breakwater.system;

import org.junit.jupiter.api.Assumptions;

/**
 * The tests' one root check. A real-system test is skipped only when not root, and says why; as
 * root a missing tool is a failure ({@link dev.breakwater.policy.Required}), never a skip.
 */
public final class RootCheck {
  private RootCheck() {}

  /** Whether the tests run as root, by the check Breakwater itself uses. */
  public static boolean isRoot() {
    return CommandRunner.runningAsRoot();
  }

  /** Skips the calling test unless root, printing and reporting {@code why} root is needed. */
  public static void assumeRoot(String why) {
    if (!isRoot()) {
      String message = "skipped, not root: " + why + " (run the tests as root, as CI does)";
      System.err.println(message);
      Assumptions.abort(message);
    }
  }
}
