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

  static List<String> refusals(Map<String, String> labels, String policy) {
    List<String> notes = new java.util.ArrayList<>();
    List<AllowRule> rules = ContainerLabels.allows(withLabels(labels), PolicyFile.parse(policy, "p.yml").labels(), notes);
    assertThat(rules.size() + notes.size()).as("every label is either accepted or refused").isEqualTo(
        labels.keySet().stream().filter(k -> k.startsWith("breakwater.allow")).count());
    return notes;
  }

  @Test
  void byDefaultNoLabelIsAcceptedAndEachRefusalNamesContainerAndLabel() {
    assertThat(refusals(Map.of("breakwater.allow", "203.0.113.0/24"), "allow: []\n")).containsExactly(
        "container web: label breakwater.allow=203.0.113.0/24: refused, the policy does not accept container labels"
            + " (labels: false, the default; see docs/policy.md)");
  }

  @Test
  void labelsTrueRefusesAnyButAcceptsPrefixes() {
    assertThat(refusals(Map.of("breakwater.allow", "203.0.113.0/24", "breakwater.allow.8443", "any"), "labels: true\n"))
        .containsExactly("container web: label breakwater.allow.8443=any: refused, a label may not allow any source unless"
            + " the policy says 'allow-any-label: true'");
    assertThat(refusals(Map.of("breakwater.allow.8443", "any"), "labels: {allow-any-label: true}\n")).isEmpty();
  }

  @Test
  void withinRefusesALabelWithAnySourceOutsideIt() {
    String policy = "labels: {within: [10.0.0.0/8, 2001:db8::/32]}\n";
    assertThat(refusals(Map.of("breakwater.allow", "10.1.0.0/16,2001:db8:1::/48"), policy)).isEmpty();
    assertThat(refusals(Map.of("breakwater.allow", "10.1.0.0/16,198.51.100.7"), policy)).containsExactly(
        "container web: label breakwater.allow=10.1.0.0/16,198.51.100.7: refused, it allows 198.51.100.7/32,"
            + " outside the policy's labels within: 10.0.0.0/8, 2001:db8::/32");
    assertThat(refusals(Map.of("breakwater.allow", "any"), "labels: {within: 10.0.0.0/8, allow-any-label: true}\n"))
        .as("allow-any-label lets any through even with within").isEmpty();
  }

  @Test
  void acceptFromProjectsTakesOnlyThoseComposeProjects() {
    String policy = "labels: {accept-from-projects: [shop, web]}\n";
    assertThat(refusals(Map.of("breakwater.allow", "10.0.0.0/8", "com.docker.compose.project", "shop"), policy)).isEmpty();
    assertThat(refusals(Map.of("breakwater.allow", "10.0.0.0/8", "com.docker.compose.project", "other"), policy))
        .containsExactly("container web: label breakwater.allow=10.0.0.0/8: refused, the container is not in a Compose project"
            + " the policy accepts labels from (it is in 'other'; accept-from-projects: shop, web)");
    assertThat(refusals(Map.of("breakwater.allow", "10.0.0.0/8"), policy)).singleElement().asString().contains("(it has none;");
  }

  @Test
  void aMalformedLabelStopsThePlanEvenWhenLabelsAreOff() {
    assertThatThrownBy(() -> refusals(Map.of("breakwater.allow", "example.com"), "allow: []\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith("container web: label breakwater.allow=example.com:");
  }
}
