package dev.breakwater.input;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.problem.BadInput;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.core.exc.StreamConstraintsException;

class NestingLimitTest {
  private static final LoadSettings YAML = LoadSettings.builder().setLabel("p.yaml").build();

  @Test
  void yamlNested3000LevelsIsRefusedWhereItGetsTooDeep() {
    String deep = "a: " + "[".repeat(3000) + "]".repeat(3000) + "\n";

    assertThatThrownBy(() -> NestingLimit.composeYaml(deep, YAML, "p.yaml"))
        .isInstanceOf(BadInput.class)
        .hasMessage("p.yaml:1:" + (3 + NestingLimit.MAX_DEPTH) + ": expected YAML nested at most 256 levels deep");
  }

  @Test
  void yamlAtTheLimitPassesAndBlockStyleCountsToo() {
    // The top mapping is one level, so 255 sequences inside it make 256.
    String atLimit = "a: " + "[".repeat(NestingLimit.MAX_DEPTH - 1) + "]".repeat(NestingLimit.MAX_DEPTH - 1) + "\n";
    StringBuilder block = new StringBuilder();
    for (int i = 0; i <= NestingLimit.MAX_DEPTH; i++) {
      block.append(" ".repeat(i)).append("k:\n");
    }
    block.append(" ".repeat(NestingLimit.MAX_DEPTH + 1)).append("v\n");

    assertThatCode(() -> NestingLimit.composeYaml(atLimit, YAML, "p.yaml")).doesNotThrowAnyException();
    assertThatThrownBy(() -> NestingLimit.composeYaml(block.toString(), YAML, "p.yaml"))
        .hasMessageContaining("nested at most 256 levels deep");
  }

  @Test
  void jsonNested3000LevelsIsRefusedByTheParser() {
    String deep = "[".repeat(3000) + "]".repeat(3000);

    assertThatThrownBy(() -> NestingLimit.jsonMapper().build().readTree(deep))
        .isInstanceOf(StreamConstraintsException.class)
        .hasMessageContaining("maximum allowed (" + NestingLimit.MAX_DEPTH);
    assertThatCode(() -> NestingLimit.jsonMapper().build().readTree("[".repeat(256) + "]".repeat(256)))
        .doesNotThrowAnyException();
  }
}
