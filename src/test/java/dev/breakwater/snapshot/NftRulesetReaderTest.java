package dev.breakwater.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NftRulesetReaderTest {
  @Test
  void tablesOtherThanIptablesNftOnesAreListed() {
    String json = """
        {"nftables": [
          {"metainfo": {"version": "1.0.9", "release_name": "Old Doc Yak #3", "json_schema_version": 1}},
          {"table": {"family": "ip", "name": "filter", "handle": 1}},
          {"chain": {"family": "ip", "table": "filter", "name": "FORWARD", "handle": 1}},
          {"table": {"family": "ip", "name": "nat", "handle": 2}},
          {"table": {"family": "ip6", "name": "filter", "handle": 3}},
          {"table": {"family": "inet", "name": "firewalld", "handle": 4}},
          {"table": {"family": "ip", "name": "docker-bridges", "handle": 5}},
          {"table": {"family": "inet", "name": "filter", "handle": 6}}
        ]}
        """;

    assertThat(NftRulesetReader.tablesNotShownByIptables(json, "nft.json"))
        .containsExactly("inet/firewalld", "ip/docker-bridges", "inet/filter");
  }

  @Test
  void anIptablesNftOnlyRulesetHasNothingUnseen() {
    assertThat(NftRulesetReader.tablesNotShownByIptables(
        "{\"nftables\": [{\"table\": {\"family\": \"ip\", \"name\": \"raw\"}}]}", "nft.json")).isEmpty();
  }

  @Test
  void somethingElseIsRejected() {
    assertThatThrownBy(() -> NftRulesetReader.tablesNotShownByIptables("table inet filter {\n}", "nft.json"))
        .isInstanceOf(SnapshotFileException.class)
        .hasMessageStartingWith("nft.json:1:")
        .hasMessageContaining("nft -j list ruleset");
    assertThatThrownBy(() -> NftRulesetReader.tablesNotShownByIptables("[]", "nft.json"))
        .hasMessageStartingWith("nft.json:1:1: expected {\"nftables\": [...]}");
  }
}
