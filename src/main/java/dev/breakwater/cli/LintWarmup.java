package dev.breakwater.cli;

import dev.breakwater.lint.LintFinding;
import dev.breakwater.lint.JsonFindings;
import dev.breakwater.lint.LintConfig;
import dev.breakwater.lint.Linter;
import dev.breakwater.lint.SarifLog;
import dev.breakwater.lint.TextFindings;

import dev.breakwater.fix.PortFixer;

import java.nio.file.Path;
import java.util.List;

/**
 * Lints, fixes and renders a small in-memory project once, so the launcher's AOT training run
 * records the classes lint needs (SnakeYAML Engine, Jackson, IPAddress). No file is read or written.
 */
public final class LintWarmup {
  private LintWarmup() {}

  public static int run() {
    String compose = """
        services:
          db:
            image: mysql:8
            environment: {MYSQL_ROOT_PASSWORD: root}
            ports: ["3306:3306", "127.0.0.1:33060:33060"]
          web:
            image: nginx
            ports:
              - target: 80
                published: 8080
              - 2222:22
        """;
    List<LintFinding> findings = new java.util.ArrayList<>(Linter.lintText(Path.of("compose.yaml"), compose, LintConfig.empty()));
    findings.addAll(Linter.lintText(Path.of("deploy.sh"), "docker run -d -p 6379:6379 -P redis:7\n", LintConfig.empty()));
    int size = TextFindings.render(findings).length() + Json.write(JsonFindings.document(findings, 2)).length()
        + Json.write(SarifLog.document(findings, "warmup")).length();
    for (PortFixer.FileFix fix : new PortFixer("127.0.0.1").fix(findings)) {
      size += fix.diff().length();
    }
    return size;
  }
}
