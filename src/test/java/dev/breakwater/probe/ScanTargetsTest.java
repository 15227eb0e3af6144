package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScanTargetsTest {
  private static final Map<String, List<String>> HOSTS = Map.of(
      "db.example.org", List.of("198.51.100.20", "2001:db8::20"));

  private static final ScanTargets PARSER = new ScanTargets(name -> {
    List<String> found = HOSTS.get(name);
    if (found == null) {
      throw new UnknownHostException(name);
    }
    return found.stream().map(ScanTargetsTest::ip).toList();
  });

  private static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> parse(boolean allowLarge, String... targets) {
    return PARSER.addresses(List.of(targets), allowLarge).stream().map(Endpoint::hostText).toList();
  }

  @Test
  void singleAddressesOfBothFamiliesAreKeptInOrder() {
    assertThat(parse(false, "2001:db8::7", "198.51.100.7")).containsExactly("2001:db8::7", "198.51.100.7");
  }

  @Test
  void anIpv4BlockLeavesOutItsNetworkAndBroadcastAddresses() {
    assertThat(parse(false, "198.51.100.0/30")).containsExactly("198.51.100.1", "198.51.100.2");
    assertThat(parse(false, "198.51.100.0/24")).hasSize(254).doesNotContain("198.51.100.0", "198.51.100.255");
  }

  @Test
  void anAddressWithAPrefixMeansItsWholeBlockAsInNmap() {
    assertThat(parse(false, "198.51.100.77/30")).containsExactly("198.51.100.77", "198.51.100.78");
  }

  @Test
  void anIpv6BlockIsEveryAddress() {
    assertThat(parse(false, "2001:db8::/126")).containsExactly("2001:db8::", "2001:db8::1", "2001:db8::2", "2001:db8::3");
  }

  @Test
  void aRangeOfTheLastOctetIsExpanded() {
    assertThat(parse(false, "198.51.100.1-3")).containsExactly("198.51.100.1", "198.51.100.2", "198.51.100.3");
  }

  @Test
  void hostNamesResolveToEveryAddressAndDuplicatesAreProbedOnce() {
    assertThat(parse(false, "db.example.org", "198.51.100.20")).containsExactly("198.51.100.20", "2001:db8::20");
  }

  @Test
  void moreThanOneSlash24NeedsTheExplicitFlag() {
    assertThatThrownBy(() -> parse(false, "198.51.100.0/24", "198.18.0.1"))
        .isInstanceOf(ProbeInputException.class)
        .hasMessageContaining("257 addresses").hasMessageContaining("--allow-large-ranges");
    assertThatThrownBy(() -> parse(false, "2001:db8::/64")).hasMessageContaining("--allow-large-ranges");
    assertThat(parse(true, "198.18.0.0/23")).hasSize(510);
  }

  @Test
  void whatIsNeitherAnAddressNorAHostIsRejectedWithTheReason() {
    assertThatThrownBy(() -> parse(false, "198.51.100.300"))
        .isInstanceOf(ProbeInputException.class).hasMessageStartingWith("target '198.51.100.300': not an IP address");
    assertThatThrownBy(() -> parse(false, "198.51.100.0/33"))
        .isInstanceOf(ProbeInputException.class).hasMessageContaining("198.51.100.0/33");
    assertThatThrownBy(() -> parse(false, "nosuch.example.org"))
        .isInstanceOf(ProbeInputException.class).hasMessage("target 'nosuch.example.org': no such host (it did not resolve)");
    assertThatThrownBy(() -> PARSER.addresses(List.of(), false))
        .isInstanceOf(ProbeInputException.class).hasMessageStartingWith("no target");
  }

  @Test
  void shorthandsWildcardsAndMasksAreRefusedNotReadAsOtherHosts() {
    for (String target : List.of("10.1", "3232235777", "198.51.100.*", "198.51.100.0/255.255.255.0", "fe80::1%eth0")) {
      assertThatThrownBy(() -> parse(false, target))
          .as(target)
          .isInstanceOf(ProbeInputException.class)
          .hasMessageStartingWith("target '" + target + "': not an IP address or CIDR block (expected an IPv4 or IPv6 address, CIDR block or range")
          .hasMessageEndingWith("got '" + target + "')");
    }
  }
}
