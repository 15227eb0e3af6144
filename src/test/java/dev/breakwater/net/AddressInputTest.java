package dev.breakwater.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a person may write as an address, a prefix or a scan block, and what is refused and why. */
class AddressInputTest {

  /** Written, and what it means (canonical form). */
  static Stream<Arguments> goodAddresses() {
    return Stream.of(
        Arguments.of("198.51.100.7", "198.51.100.7"),
        Arguments.of("0.0.0.0", "0.0.0.0"),
        Arguments.of("255.255.255.255", "255.255.255.255"),
        Arguments.of("2001:db8::7", "2001:db8::7"),
        Arguments.of("2001:DB8:0:0:0:0:0:7", "2001:db8::7"),
        Arguments.of("2001:0db8::0007", "2001:db8::7"), // IPv6 leading zeros are unambiguous
        Arguments.of("::", "::"),
        Arguments.of("::1", "::1"),
        Arguments.of("::ffff:198.51.100.7", "::ffff:c633:6407"));
  }

  /** Written, and why it is not one address. */
  static Stream<Arguments> badAddresses() {
    return Stream.of(
        Arguments.of("", "empty (the library would read it as loopback)"),
        Arguments.of(" ", "blank"),
        Arguments.of("10.1", "inet_aton shorthand for 10.0.0.1"),
        Arguments.of("10.0.1", "inet_aton shorthand for 10.0.0.1"),
        Arguments.of("1.2.3", "inet_aton shorthand"),
        Arguments.of("3232235777", "single integer for 192.168.1.1"),
        Arguments.of("0xc0a80101", "hex integer"),
        Arguments.of("0xc0.0xa8.1.1", "hex segments"),
        Arguments.of("010.0.0.1", "leading zero: octal 8.0.0.1 to inet_aton"),
        Arguments.of("10.*", "wildcard"),
        Arguments.of("*.*.*.*", "wildcard"),
        Arguments.of("*", "wildcard for everything"),
        Arguments.of("10.0.0.1-9", "range"),
        Arguments.of("10.0.0.0/8", "a prefix, not one address"),
        Arguments.of("198.51.100.7/32", "a prefix, even of one address"),
        Arguments.of("10.0.0.0/255.0.0.0", "mask"),
        Arguments.of("fe80::1%eth0", "zone"),
        Arguments.of("fe80::1%", "empty zone"),
        Arguments.of("[2001:db8::7]", "brackets belong to host:port syntax"),
        Arguments.of("198.51.100.300", "octet out of range"),
        Arguments.of("198.51.100.7 ", "trailing whitespace"),
        Arguments.of(" 198.51.100.7", "leading whitespace"),
        Arguments.of("198.51.100.7x", "trailing junk"),
        Arguments.of("198.51.100.7,", "trailing comma"),
        Arguments.of("198.51.100.7.", "trailing dot"),
        Arguments.of("2001:db8::7::1", "two ::"),
        Arguments.of("example.com", "a host name"),
        Arguments.of("any", "a policy word, not an address"));
  }

  /** Written, and the prefix it means. */
  static Stream<Arguments> goodPrefixes() {
    return Stream.of(
        Arguments.of("198.51.100.0/24", "198.51.100.0/24"),
        Arguments.of("10.0.0.0/8", "10.0.0.0/8"),
        Arguments.of("0.0.0.0/0", "0.0.0.0/0"),
        Arguments.of("198.51.100.7", "198.51.100.7/32"),
        Arguments.of("198.51.100.7/32", "198.51.100.7/32"),
        Arguments.of("2001:db8::/32", "2001:db8::/32"),
        Arguments.of("2001:db8::7", "2001:db8::7/128"),
        Arguments.of("10.0.0.0/08", "10.0.0.0/8"), // a length is decimal to every reader
        Arguments.of("::/0", "::/0"));
  }

  /** Written, and why it is not a prefix. */
  static Stream<Arguments> badPrefixes() {
    return Stream.of(
        Arguments.of("", "empty"),
        Arguments.of("10.1", "inet_aton shorthand for 10.0.0.1/32"),
        Arguments.of("10.0.1", "inet_aton shorthand"),
        Arguments.of("10.1/16", "inet_aton shorthand with a length"),
        Arguments.of("3232235777", "single integer"),
        Arguments.of("3232235777/32", "single integer with a length"),
        Arguments.of("10.*", "wildcard, 10.0.0.0/8 to the lenient parser"),
        Arguments.of("*.*.*.*", "wildcard, 0.0.0.0/0 to the lenient parser"),
        Arguments.of("*", "wildcard"),
        Arguments.of("10.0.0.1-9", "range"),
        Arguments.of("10.0.0.0/255.0.0.0", "mask"),
        Arguments.of("2001:db8::/ffff:ffff::", "IPv6 mask"),
        Arguments.of("/24", "a length without an address"),
        Arguments.of("10.0.0.0/", "a slash without a length"),
        Arguments.of("198.51.100.0/33", "longer than IPv4"),
        Arguments.of("2001:db8::/129", "longer than IPv6"),
        Arguments.of("10.0.0.0/-1", "negative length"),
        Arguments.of("fe80::%eth0/64", "zone"),
        Arguments.of("10.0.0.0/8 ", "trailing whitespace"),
        Arguments.of("10.0.0.0 /8", "inner whitespace"),
        Arguments.of("\t10.0.0.0/8", "leading tab"),
        Arguments.of("10.0.0.0/8x", "trailing junk"),
        Arguments.of("10.0.0.0/8/8", "two lengths"));
  }

  @ParameterizedTest(name = "address {0}")
  @MethodSource("goodAddresses")
  void addressAccepts(String written, String meaning) {
    assertThat(AddressInput.address(written).toCanonicalString()).isEqualTo(meaning);
    assertThat(AddressInput.address(written).isPrefixed()).isFalse();
  }

  @ParameterizedTest(name = "address {0}: {1}")
  @MethodSource("badAddresses")
  void addressRefuses(String written, String why) {
    assertThatThrownBy(() -> AddressInput.address(written))
        .as(why)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected an IPv4 or IPv6 address such as 198.51.100.7 or 2001:db8::7, got '" + written + "'");
  }

  @ParameterizedTest(name = "prefix {0}")
  @MethodSource("goodPrefixes")
  void prefixAccepts(String written, String meaning) {
    assertThat(AddressInput.prefix(written).toCanonicalString()).isEqualTo(meaning);
    assertThat(AddressInput.prefix(written).isPrefixBlock()).isTrue();
  }

  @ParameterizedTest(name = "prefix {0}: {1}")
  @MethodSource("badPrefixes")
  void prefixRefuses(String written, String why) {
    assertThatThrownBy(() -> AddressInput.prefix(written))
        .as(why)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected an IPv4 or IPv6 address or CIDR prefix such as 198.51.100.0/24 or 2001:db8::/32, got '"
            + written + "'");
  }

  /** Host bits set: refused, not widened, and the message names the network. */
  static Stream<Arguments> prefixesWithHostBits() {
    return Stream.of(
        Arguments.of("10.1.2.3/8", "10.0.0.0/8"),
        Arguments.of("198.51.100.7/24", "198.51.100.0/24"),
        Arguments.of("10.0.0.1/0", "0.0.0.0/0"),
        Arguments.of("2001:db8::7/32", "2001:db8::/32"));
  }

  @ParameterizedTest(name = "prefix {0}")
  @MethodSource("prefixesWithHostBits")
  void prefixRefusesHostBitsAndSaysWhichNetwork(String written, String network) {
    assertThatThrownBy(() -> AddressInput.prefix(written))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a network prefix with host bits zero, got '" + written + "' (did you mean " + network + "?)");
  }

  /** Written, and the first and last address it names. */
  static Stream<Arguments> goodBlocks() {
    return Stream.of(
        Arguments.of("198.51.100.7", "198.51.100.7", "198.51.100.7"),
        Arguments.of("198.51.100.0/30", "198.51.100.0", "198.51.100.3"),
        Arguments.of("198.51.100.77/30", "198.51.100.76", "198.51.100.79"),
        Arguments.of("198.51.100.1-20", "198.51.100.1", "198.51.100.20"),
        Arguments.of("2001:db8::/126", "2001:db8::", "2001:db8::3"),
        Arguments.of("2001:db8::1-3", "2001:db8::1", "2001:db8::3"));
  }

  @ParameterizedTest(name = "block {0}")
  @MethodSource("goodBlocks")
  void blockAccepts(String written, String first, String last) {
    var block = AddressInput.block(written);
    assertThat(block.getLower().withoutPrefixLength().toCanonicalString()).isEqualTo(first);
    assertThat(block.getUpper().withoutPrefixLength().toCanonicalString()).isEqualTo(last);
  }

  static Stream<Arguments> badBlocks() {
    return Stream.of(
        Arguments.of("", "empty"),
        Arguments.of("10.1", "inet_aton shorthand"),
        Arguments.of("3232235777", "single integer"),
        Arguments.of("198.51.100.*", "wildcard"),
        Arguments.of("*", "wildcard"),
        Arguments.of("198.51.100.20-1", "reversed range"),
        Arguments.of("198.51.100.1-", "open range"),
        Arguments.of("198.51.100.1-20/24", "a range and a prefix at once"),
        Arguments.of("198.51.100.0/255.255.255.0", "mask"),
        Arguments.of("198.51.100.0/33", "longer than IPv4"),
        Arguments.of("fe80::1%eth0", "zone"),
        Arguments.of("198.51.100.300", "octet out of range"),
        Arguments.of("db.example.org", "a host name is the caller's business"));
  }

  @ParameterizedTest(name = "block {0}: {1}")
  @MethodSource("badBlocks")
  void blockRefuses(String written, String why) {
    assertThatThrownBy(() -> AddressInput.block(written))
        .as(why)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected an IPv4 or IPv6 address, CIDR block or range such as 198.51.100.7, 198.51.100.0/28, "
            + "198.51.100.1-20 or 2001:db8::/120, got '" + written + "'");
  }
}
