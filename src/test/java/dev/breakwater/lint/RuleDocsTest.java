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

  /** A page's bad example is flagged by its rule and its good one is not: the docs cannot drift. */
  @Test
  void examplesShowWhatTheRuleFlags() {
    for (RuleMeta m : Rules.metas()) {
      if (m.id().compareTo("BW010") >= 0 || m.id().equals("BW001") || m.id().equals("BW002")) {
        assertThat(m.bad()).as(m.id() + " needs a bad and a good example").isNotBlank();
        assertThat(m.good()).as(m.id()).isNotBlank();
      }
      if (m.bad().isBlank()) {
        continue;
      }
      assertThat(ruleIds(m.exampleFile(), m.bad(), m.besideCompose())).as(m.id() + "'s bad example").contains(m.id());
      assertThat(ruleIds(m.exampleFile(), m.good(), m.besideCompose())).as(m.id() + "'s good example")
          .doesNotContain(m.id());
    }
  }

  private static java.util.List<String> ruleIds(String file, String text, String besideCompose) {
    return Linter.lintText(Path.of(file), text, LintConfig.empty(), besideCompose).stream()
        .filter(f -> !f.suppressed()).map(f -> f.rule().id()).toList();
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
