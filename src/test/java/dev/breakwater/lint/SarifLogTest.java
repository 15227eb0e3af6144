package dev.breakwater.lint;

import dev.breakwater.compose.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A structural check of what GitHub code scanning requires of a SARIF 2.1.0 upload, beyond the
 * schema ({@link SarifSchemaTest} validates against the schema itself): version and $schema; runs[].tool.driver.name and
 * rules[].id; results[].ruleId, level, message.text and locations[].physicalLocation with
 * artifactLocation.uri and a region of startLine/startColumn.
 */
class SarifLogTest {
  private static final Set<String> LEVELS = Set.of("none", "note", "warning", "error");

  private static JsonNode sarif(String name, String text) {
    return JsonMapper.builder().build().readTree(dev.breakwater.cli.Json.write(SarifLog.document(Fixtures.lint(name, text), "0.1.0")));
  }

  @Test
  void meetsWhatGitHubCodeScanningRequires() {
    JsonNode root = sarif("compose.yaml", """
        services:
          db:
            image: postgres
            environment:
              POSTGRES_PASSWORD: postgres
            ports: ["5432:5432"]
          web:
            image: acme/web
            ports: ["8080:80"]  # breakwater:ignore BW001 public site
        """);
    assertThat(root.get("version").asString()).isEqualTo("2.1.0");
    assertThat(root.get("$schema").asString()).contains("sarif").endsWith("2.1.0.json");
    assertThat(root.get("runs").isArray()).isTrue();
    assertThat(root.get("runs")).hasSize(1);
    JsonNode run = root.get("runs").get(0);
    JsonNode driver = run.get("tool").get("driver");
    assertThat(driver.get("name").asString()).isEqualTo("breakwater");
    Set<String> ruleIds = new HashSet<>();
    for (JsonNode rule : driver.get("rules")) {
      assertThat(rule.get("id").asString()).matches("BW\\d{3}");
      assertThat(rule.get("shortDescription").get("text").asString()).isNotBlank();
      assertThat(rule.get("help").get("text").asString()).isNotBlank();
      assertThat(rule.get("properties").get("security-severity").asString()).matches("\\d+\\.\\d");
      assertThat(LEVELS).contains(rule.get("defaultConfiguration").get("level").asString());
      ruleIds.add(rule.get("id").asString());
    }
    assertThat(ruleIds).hasSize(Rules.metas().size());
    JsonNode results = run.get("results");
    assertThat(results).hasSize(3);
    for (JsonNode r : results) {
      assertThat(ruleIds).contains(r.get("ruleId").asString());
      assertThat(driver.get("rules").get(r.get("ruleIndex").asInt()).get("id").asString())
          .isEqualTo(r.get("ruleId").asString());
      assertThat(LEVELS).contains(r.get("level").asString());
      assertThat(r.get("message").get("text").asString()).isNotBlank();
      JsonNode loc = r.get("locations").get(0).get("physicalLocation");
      assertThat(loc.get("artifactLocation").get("uri").asString()).isEqualTo("compose.yaml");
      JsonNode region = loc.get("region");
      assertThat(region.get("startLine").asInt()).isPositive();
      assertThat(region.get("startColumn").asInt()).isPositive();
      assertThat(region.get("endLine").asInt()).isGreaterThanOrEqualTo(region.get("startLine").asInt());
    }
    List<String> suppressed = results.valueStream().filter(r -> r.has("suppressions"))
        .map(r -> r.get("ruleId").asString() + ":" + r.get("suppressions").get(0).get("justification").asString())
        .toList();
    assertThat(suppressed).containsExactly("BW001:public site");
  }

  @Test
  void regionPointsAtThePortEntry() {
    JsonNode r = sarif("compose.yaml", "services:\n  web:\n    image: acme/web\n    ports:\n      - \"8080:80\"\n")
        .get("runs").get(0).get("results").get(0);
    JsonNode region = r.get("locations").get(0).get("physicalLocation").get("region");
    assertThat(region.get("startLine").asInt()).isEqualTo(5);
    assertThat(region.get("startColumn").asInt()).isEqualTo(9);
    assertThat(region.get("endColumn").asInt()).isEqualTo(18);
    assertThat(r.get("level").asString()).isEqualTo("error");
  }
}
