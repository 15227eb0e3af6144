package dev.breakwater.policy;

/**
 * What a real-system test needs besides root. Tests skip only when not root; as root (CI) a
 * missing tool is a failure, since .ci/run installs every one.
 */
public final class Required {
  private Required() {}

  public static void that(boolean present, String what) {
    if (!present) {
      throw new AssertionError(what + " (.ci/run installs it)");
    }
  }
}
