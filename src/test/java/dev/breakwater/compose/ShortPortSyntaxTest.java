package dev.breakwater.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.net.PortRange;
import dev.breakwater.net.Transport;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShortPortSyntaxTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // spec                     | host ip      | published   | target      | proto | binding
      "3306                       | -            | -           | 3306        | tcp   | UNBOUND",
      "3306:3306                  | -            | 3306        | 3306        | tcp   | UNBOUND",
      "127.0.0.1::5000            | 127.0.0.1    | -           | 5000        | tcp   | LOOPBACK",
      "8000-8010:8000-8010        | -            | 8000-8010   | 8000-8010   | tcp   | UNBOUND",
      "9090-9091:8080             | -            | 9090-9091   | 8080        | tcp   | UNBOUND",
      "[::1]:80:80                | ::1          | 80          | 80          | tcp   | LOOPBACK",
      "::1:80:80                  | ::1          | 80          | 80          | tcp   | LOOPBACK",
      "fe80::1:8080:80            | fe80::1      | 8080        | 80          | tcp   | SPECIFIC",
      "::::80                     | ::           | -           | 80          | tcp   | ALL_INTERFACES",
      "0.0.0.0:80:80              | 0.0.0.0      | 80          | 80          | tcp   | ALL_INTERFACES",
      "53:53/udp                  | -            | 53          | 53          | udp   | UNBOUND",
      "53:53/UDP                  | -            | 53          | 53          | udp   | UNBOUND",
      "3868:3868/Sctp             | -            | 3868        | 3868        | sctp  | UNBOUND",
      "192.168.1.5:5432:5432/tcp  | 192.168.1.5  | 5432        | 5432        | tcp   | SPECIFIC",
      ":3306:3306                 | ''           | 3306        | 3306        | tcp   | UNBOUND",
  })
  void readsEveryShortForm(String spec, String ip, String published, String target, String proto,
      HostBinding binding) throws Exception {
    PortMapping m = ShortPortSyntax.parse(spec);
    assertThat(m.hostIp()).isEqualTo(Optional.ofNullable(ip));
    assertThat(m.published()).isEqualTo(Optional.ofNullable(published).map(PortRange::parse));
    assertThat(m.target()).isEqualTo(PortRange.parse(target));
    assertThat(m.protocol()).isEqualTo(Transport.tryParse(proto).orElseThrow());
    assertThat(m.binding()).isEqualTo(binding);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "localhost:3306:3306", "db.example.org:80:80", "3306:3306/icmp", "3306/", "80:80/6",
      "8000-8010:8000-8005", "99999:80", "80:0", "abc", "", "1.2.3.4/24:80:80", "80-70:80"})
  void refusesWhatComposeRefuses(String spec) {
    assertThatThrownBy(() -> ShortPortSyntax.parse(spec)).isInstanceOf(PortSyntaxException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost:3306:3306", "my-db:80:80"})
  void aHostNameIsNamedInTheMessage(String spec) {
    assertThatThrownBy(() -> ShortPortSyntax.parse(spec))
        .hasMessageContaining("is not an IP address").hasMessageContaining(spec.split(":")[0]);
  }

  @ParameterizedTest
  @ValueSource(strings = {"3306", "127.0.0.1:8080:80", "[::1]:80:80/udp", "8000-8010:8000-8010", "127.0.0.1::53/sctp"})
  void shortSyntaxRoundTrips(String spec) throws Exception {
    PortMapping m = ShortPortSyntax.parse(spec);
    assertThat(ShortPortSyntax.parse(m.toShortSyntax())).isEqualTo(m);
  }
}
