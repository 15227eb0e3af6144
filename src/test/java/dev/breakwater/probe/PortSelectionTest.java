package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PortSelectionTest {
  @Test
  void aListOfPortsAndRangesIsSortedAndDeduplicated() {
    assertThat(PortSelection.parseList("443, 22,8000-8002,22,8001")).containsExactly(22, 443, 8000, 8001, 8002);
    assertThat(PortSelection.parseList("65535")).containsExactly(65535);
    assertThat(PortSelection.parseList("1-65535")).hasSize(65535);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "65536", "http", "22,,80", "80-22", "-", "22;80"})
  void whatIsNotAPortOrRangeIsRejectedNamingTheList(String list) {
    assertThatThrownBy(() -> PortSelection.parseList(list))
        .isInstanceOf(ProbeInputException.class).hasMessageStartingWith("--ports '" + list + "'");
  }

  @Test
  void allIsEveryPortFromOne() {
    assertThat(PortSelection.all()).hasSize(65535).startsWith(1, 2).endsWith(65535);
  }

  @Test
  void topNIsTheMostCommonPortsPlusTheDataStores() {
    assertThat(PortSelection.top(3)).startsWith(80, 23, 443)
        .contains(6379, 27017, 11211, 2375, 5432, 3306, 9200).doesNotHaveDuplicates();
    assertThat(PortSelection.top(1000)).hasSizeGreaterThanOrEqualTo(1000).doesNotHaveDuplicates().contains(22);
    assertThatThrownBy(() -> PortSelection.top(0)).isInstanceOf(ProbeInputException.class);
  }
}
