package dev.breakwater.reach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.net.IpFamily;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemberSpansTest {
  private static IPAddress ip(String s) {
    return new IPAddressString(s).getAddress();
  }

  private static BigInteger v(String s) {
    return ip(s).getValue();
  }

  private final MemberSpans members = new MemberSpans(
      List.of(ip("198.51.100.0/25"), ip("198.51.100.200"), ip("2001:db8::/32"), ip("198.51.100.128/26")), IpFamily.V4);

  @Test
  void aSourceInAMemberGetsTheMergedMemberAsItsRegion() {
    assertThat(members.contains(v("198.51.100.150"))).isTrue();
    assertThat(members.regionAround(v("198.51.100.150")))
        .isEqualTo(new Span(IpFamily.V4, v("198.51.100.0"), v("198.51.100.191")));
  }

  @Test
  void aSourceBetweenMembersGetsTheGapAndTheEndsReachTheFamilyBounds() {
    assertThat(members.contains(v("198.51.100.199"))).isFalse();
    assertThat(members.regionAround(v("198.51.100.199")))
        .isEqualTo(new Span(IpFamily.V4, v("198.51.100.192"), v("198.51.100.199")));
    assertThat(members.regionAround(v("10.0.0.1")))
        .isEqualTo(new Span(IpFamily.V4, BigInteger.ZERO, v("198.51.100.0").subtract(BigInteger.ONE)));
    assertThat(members.regionAround(v("203.0.113.1")))
        .isEqualTo(new Span(IpFamily.V4, v("198.51.100.201"), Span.V4_MAX));
  }

  @Test
  void membersOfTheOtherFamilyAreNotSeenAndAnEmptySetIsOneGap() {
    MemberSpans none = new MemberSpans(List.of(ip("2001:db8::/32")), IpFamily.V4);
    assertThat(none.contains(v("198.51.100.1"))).isFalse();
    assertThat(none.regionAround(v("198.51.100.1"))).isEqualTo(Span.all(IpFamily.V4));
  }
}
