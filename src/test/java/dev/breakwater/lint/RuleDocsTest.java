package dev.breakwater.lint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every rule has its page docs/rules/ID.md, generated from the rule's metadata. Run with
 * {@code -Dbreakwater.writeRuleDocs=true} to regenerate the pages after changing a rule.
 */
class RuleDocsTest {
  @Test
  void everyRuleHasAnUpToDatePage() throws Exception {
    boolean write = Boolean.getBoolean("breakwater.writeRuleDocs");
    for (RuleMeta m : Rules.metas()) {
      Path page = Path.of(m.docsPath());
      String expected = RuleDocs.page(m);
      if (write) {
        Files.createDirectories(page.getParent());
        Files.writeString(page, expected);
      }
      assertThat(page).as("run with -Dbreakwater.writeRuleDocs=true to generate it").exists();
      assertThat(Files.readString(page)).isEqualTo(expected);
    }
  }

  @Test
  void idsAndNamesAreUnique() {
    assertThat(Rules.metas()).extracting(RuleMeta::id).doesNotHaveDuplicates();
    assertThat(Rules.metas()).extracting(RuleMeta::name).doesNotHaveDuplicates();
    assertThat(Rules.metas()).allSatisfy(m -> {
      assertThat(m.why()).isNotBlank();
      assertThat(m.fix()).isNotBlank();
    });
  }
}
