package dev.breakwater.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetricsAddressTest {
  @Test
  void acceptsLiteralAddressesAndAnEmptyHostForEveryAddress() {
    assertThat(MetricsAddress.parse("127.0.0.1:9105")).satisfies(a -> {
      assertThat(a.hostname()).isEqualTo("127.0.0.1");
      assertThat(a.port()).isEqualTo(9105);
    });
    assertThat(MetricsAddress.parse("[::1]:9105").hostname()).isEqualTo("::1");
    assertThat(MetricsAddress.parse("[::1]:9105").toString()).isEqualTo("[::1]:9105");
    assertThat(MetricsAddress.parse(":9105").hostname()).isEqualTo("::");
    assertThat(MetricsAddress.parse("9105").toString()).isEqualTo("127.0.0.1:9105");
    assertThat(MetricsAddress.parse(":9105").toString()).isEqualTo(":9105");
  }

  @Test
  void rejectsWhatItCannotBindSafely() {
    for (String bad : new String[] {"99999", "9105x", "localhost:9105", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:http",
        "::1:9105", "10.0.0.0/8:9105", "127.0.0.1:", "[::1]9105"}) {
      assertThatThrownBy(() -> MetricsAddress.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected");
    }
  }
}
