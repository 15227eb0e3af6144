package dev.breakwater.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.host.Container;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerLabelsTest {

  static Container withLabels(Map<String, String> labels) {
    return new Container("id", "/web", "nginx", labels, "bridge", List.of(), List.of(), List.of(), List.of());
  }

  @Test
  void allowLabelsBecomeAllowRulesForThatContainer() {
    List<AllowRule> rules = ContainerLabels.allows(withLabels(Map.of(
        "breakwater.allow", "203.0.113.0/24,2001:db8::/32",
        "breakwater.allow.8443", "any",
        "com.docker.compose.service", "web")));
    assertThat(rules).hasSize(2);
    assertThat(rules.get(0).selector()).isEqualTo(new Selector.ContainerName("web"));
    assertThat(rules.get(0).port()).isEmpty();
    assertThat(rules.get(0).sources().toString()).isEqualTo("203.0.113.0/24, 2001:db8::/32");
    assertThat(rules.get(1).port()).isEqualTo(Optional.of(8443));
    assertThat(rules.get(1).sources().any()).isTrue();
    assertThat(rules.get(1).origin()).isEqualTo("label breakwater.allow.8443 on container web");
  }

  @Test
  void badLabelNamesTheContainerAndLabel() {
    assertThatThrownBy(() -> ContainerLabels.allows(withLabels(Map.of("breakwater.allow", "203.0.113.0/24,,"))))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith("container web: label breakwater.allow=203.0.113.0/24,,: expected a comma-separated list");
    assertThatThrownBy(() -> ContainerLabels.allows(withLabels(Map.of("breakwater.allow.http", "any"))))
        .hasMessageContaining("expected breakwater.allow or breakwater.allow.<host port 1-65535>");
    assertThatThrownBy(() -> ContainerLabels.allows(withLabels(Map.of("breakwater.allow", "example.com"))))
        .hasMessageContaining("expected an IPv4 or IPv6 address or CIDR");
  }

  @Test
  void looseAddressesInALabelAreRefusedNotWidened() {
    for (String value : List.of("10.1", "10.*", "3232235777", "*.*.*.*", "203.0.113.0/24,10.0.1", "10.0.0.0/255.0.0.0")) {
      String written = value.contains(",") ? value.substring(value.indexOf(',') + 1) : value;
      assertThatThrownBy(() -> ContainerLabels.allows(withLabels(Map.of("breakwater.allow.5432", value))))
          .as(value)
          .isInstanceOf(PolicyException.class)
          .hasMessage("container web: label breakwater.allow.5432=" + value + ": expected an IPv4 or IPv6 address or "
              + "CIDR prefix such as 198.51.100.0/24 or 2001:db8::/32, got '" + written + "' (or 'any' for every source)");
    }
  }

  @Test
  void spacesAfterTheCommasOfALabelAreStillFine() {
    List<AllowRule> rules = ContainerLabels.allows(withLabels(Map.of("breakwater.allow", "203.0.113.0/24, 2001:db8::/32")));
    assertThat(rules.get(0).sources().toString()).isEqualTo("203.0.113.0/24, 2001:db8::/32");
  }
}
