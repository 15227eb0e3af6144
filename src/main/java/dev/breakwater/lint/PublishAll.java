package dev.breakwater.lint;

import dev.breakwater.compose.Service;

import dev.breakwater.catalog.Severity;
import java.util.List;

@RuleInfo(
    id = "BW003",
    name = "PublishAll",
    summary = "`-P` / `--publish-all` publishes every exposed port on a random host port on every address.",
    severity = Severity.HIGH,
    why = """
        `-P` publishes each port the image `EXPOSE`s on a random high port, on 0.0.0.0 and [::].
        Nobody reviews which ports that is (it changes with the image), and UFW does not filter
        them.""",
    fix = """
        Replace `-P` with one `-p 127.0.0.1:HOST:CONTAINER` per port that is really needed.""")
final class PublishAll implements LintRule {
  @Override
  public List<LintFinding> check(Service service) {
    return service.publishAll().map(p -> List.of(LintFinding.of(this, Severity.HIGH,
        "'" + service.name() + "' publishes every exposed port of " + describeImage(service)
            + " on every address; publish the needed ports one by one with -p 127.0.0.1:HOST:CONTAINER",
        service, p))).orElse(List.of());
  }

  private static String describeImage(Service s) {
    return s.image().map(i -> "'" + i.value() + "'").orElse("the image");
  }
}
