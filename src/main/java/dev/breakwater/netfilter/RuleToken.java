package dev.breakwater.netfilter;

/**
 * One word of a rule line after iptables' own tokenising.
 *
 * @param start offset of the token's first character in the line (its opening quote if quoted)
 * @param end offset just past its last character
 * @param quoted true if any part was in double quotes: a quoted word is always a value, never an
 *     option or a {@code !}
 */
record RuleToken(String text, int start, int end, boolean quoted) {

  boolean isBang() {
    return !quoted && text.equals("!");
  }

  /** {@code -s}, {@code --dport}: an unquoted word starting with a dash and longer than one. */
  boolean isOption() {
    return !quoted && text.length() > 1 && text.charAt(0) == '-';
  }
}
