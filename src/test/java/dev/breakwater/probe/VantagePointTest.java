package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class VantagePointTest {
  private static InetAddress inet(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void statedAddressesAreOnePerFamily() throws Exception {
    assertThat(VantagePoint.parse(List.of("198.51.100.50", "2001:db8:1::50")))
        .containsExactly(inet("198.51.100.50"), inet("2001:db8:1::50"));
    assertThatThrownBy(() -> VantagePoint.parse(List.of("198.51.100.50", "198.51.100.51")))
        .isInstanceOf(ProbeInputException.class).hasMessageContaining("one address per family");
    assertThatThrownBy(() -> VantagePoint.parse(List.of("198.51.100.0/24")))
        .isInstanceOf(ProbeInputException.class).hasMessageContaining("--as '198.51.100.0/24'");
    assertThatThrownBy(() -> VantagePoint.parse(List.of("laptop")))
        .isInstanceOf(ProbeInputException.class).hasMessageContaining("expected one IPv4 or IPv6 address");
  }

  @Test
  void withoutAStatedAddressTheKernelsSourceTowardTheHostIsUsed() throws Exception {
    assertThat(VantagePoint.resolve(List.of(), List.of(inet("127.0.0.1")))).containsExactly(inet("127.0.0.1"));
    assertThat(VantagePoint.resolve(List.of(), List.of(inet("::1")))).containsExactly(inet("::1"));
  }

  @Test
  void aStatedAddressWinsForItsFamilyOnly() throws Exception {
    assertThat(VantagePoint.resolve(List.of(inet("198.51.100.50")), List.of(inet("127.0.0.1"), inet("::1"))))
        .containsExactly(inet("198.51.100.50"), inet("::1"));
  }

  @Test
  void aStatedAddressIsWrittenInFull() {
    for (String stated : List.of("10.1", "3232235777", "198.51.100.*", "fe80::1%eth0", "")) {
      assertThatThrownBy(() -> VantagePoint.parse(List.of(stated)))
          .as(stated)
          .isInstanceOf(ProbeInputException.class)
          .hasMessageContaining("--as '" + stated + "': expected one IPv4 or IPv6 address");
    }
  }
}
