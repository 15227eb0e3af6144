package dev.breakwater.compose;

/**
 * Where and how a port entry can be bound to an address by editing only its own characters.
 * Computed when the entry is read, because only the parser knows quoting and indentation.
 */
public sealed interface FixSite {
  /**
   * Short syntax: the address goes in front of the first part, inside any quotes. {@code
   * unquotedEnd} is the end of an unquoted scalar or word (an IPv6 address in brackets must then
   * be quoted: {@code [} opens a YAML flow sequence and a shell glob), -1 when already quoted.
   */
  record Prefix(int offset, String rawContent, String value, int unquotedEnd, boolean shell) implements FixSite {}

  /** Long syntax without {@code host_ip}: a new key after the last one, block or flow style. */
  record AddKey(int offset, String lead, String trail) implements FixSite {}

  /** Long syntax with an empty {@code host_ip}: replace the value. */
  record ReplaceValue(int start, int end, boolean quoted) implements FixSite {}

  /** {@code --publish published=..,target=..}: cannot take an address, rewritten in short syntax. */
  record ReplaceWhole(int start, int end) implements FixSite {}

  /** Interpolated as a whole, a block scalar, or otherwise not safe to edit. */
  record None(String why) implements FixSite {}
}
