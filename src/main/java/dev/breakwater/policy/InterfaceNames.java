package dev.breakwater.policy;

import java.util.regex.Pattern;

/** Interface names as the kernel allows them (IFNAMSIZ 16 with the NUL): checked before they reach a command. */
final class InterfaceNames {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.:@-]{1,15}");

  private InterfaceNames() {}

  static boolean isValid(String name) {
    return VALID.matcher(name).matches() && !name.equals(".") && !name.equals("..");
  }
}
