package dev.breakwater.compose;

import dev.breakwater.lint.LintFinding;
import dev.breakwater.lint.LintConfig;
import dev.breakwater.lint.LintTargets;
import dev.breakwater.lint.LintUnit;
import dev.breakwater.lint.Linter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeProjectTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  private static List<String> ports(Project project, String service) {
    return project.services().stream().filter(s -> s.name().equals(service)).findFirst().orElseThrow()
        .ports().stream().map(p -> p.mapping().toShortSyntax()).toList();
  }

  @Test
  void overrideFileMergesPortsByAddressTargetPublishedAndProtocol() throws Exception {
    write("compose.yaml", """
        services:
          db:
            image: mysql:8
            ports: ["3306:3306", "127.0.0.1:33060:33060"]
        """);
    write("compose.override.yaml", """
        services:
          db:
            ports: ["3306:3306", "3307:3306", "3306:3306/udp"]
          extra:
            image: acme/web
        """);
    List<LintUnit> units = LintTargets.discover(List.of(dir));
    assertThat(units).hasSize(1);
    assertThat(units.get(0).files()).extracting(p -> p.getFileName().toString())
        .containsExactly("compose.yaml", "compose.override.yaml");
    Project project = Linter.read(units.get(0));
    assertThat(ports(project, "db")).containsExactly(
        "3306:3306", "127.0.0.1:33060:33060", "3307:3306", "3306:3306/udp");
    assertThat(project.services()).extracting(Service::name).containsExactly("db", "extra");
  }

  @Test
  void resetAndOverrideTags() throws Exception {
    Path base = write("a.yaml", """
        services:
          db:
            image: postgres
            ports: ["5432:5432"]
            environment: {POSTGRES_HOST_AUTH_METHOD: trust, A: "1"}
          web:
            image: acme/web
            ports: ["80:80", "443:443"]
        """);
    Path over = write("b.yaml", """
        services:
          db:
            ports: !reset []
            environment: !override
              POSTGRES_PASSWORD_FILE: /run/secrets/pg
          web:
            ports: !override ["127.0.0.1:8080:80"]
        """);
    Project project = Linter.read(new LintUnit.ComposeProject(List.of(base, over)));
    assertThat(ports(project, "db")).isEmpty();
    assertThat(ports(project, "web")).containsExactly("127.0.0.1:8080:80");
    Service db = project.services().get(0);
    assertThat(db.environment()).containsOnlyKeys("POSTGRES_PASSWORD_FILE");
    assertThat(new Linter(LintConfig.empty()).lint(new LintUnit.ComposeProject(List.of(base, over))).findings())
        .isEmpty();
  }

  @Test
  void interpolationFromDotEnv() throws Exception {
    write(".env", """
        # comment
        HTTP_PORT=8080
        export BIND="127.0.0.1"
        PG_PASS='postgres'
        """);
    Path f = write("compose.yaml", """
        services:
          web:
            image: acme/web
            ports:
              - "${HTTP_PORT}:80"
              - "${BIND}:${HTTPS_PORT:-8443}:443"
              - "${MISSING-9000}:9000"
              - "$${LITERAL}:1"
          db:
            image: postgres
            environment:
              POSTGRES_PASSWORD: ${PG_PASS:?set it}
        """);
    assertThatThrownBy(() -> Linter.read(new LintUnit.ComposeProject(List.of(f))))
        .isInstanceOf(BadInputException.class).hasMessageContaining("compose.yaml:8:")
        .hasMessageContaining("${LITERAL}");
    Files.writeString(f, Files.readString(f).replace("      - \"$${LITERAL}:1\"\n", ""));
    Project project = Linter.read(new LintUnit.ComposeProject(List.of(f)));
    assertThat(ports(project, "web")).containsExactly("8080:80", "127.0.0.1:8443:443", "9000:9000");
    List<LintFinding> findings = new Linter(LintConfig.empty()).lint(new LintUnit.ComposeProject(List.of(f))).findings();
    assertThat(findings).extracting(x -> x.rule().id() + "@" + x.line())
        .containsExactlyInAnyOrder("BW001@5", "BW001@7", "BW006@11");
  }

  @Test
  void interpolatorForms() {
    Interpolator i = new Interpolator(Map.of("SET", "v", "EMPTY", ""));
    assertThat(i.apply("${SET}|${EMPTY:-d}|${EMPTY-d}|${UNSET-d}|${UNSET:-${SET}}|$SET|$$SET|${SET:+r}|${UNSET:?e}"))
        .isEqualTo("v|d||d|v|v|$SET|r|");
  }

  @Test
  void aHostNameAsHostAddressIsAnErrorWithItsPosition() {
    assertThatThrownBy(() -> Fixtures.lint("compose.yaml", """
        services:
          db:
            image: mysql
            ports:
              - "db.local:3306:3306"
        """)).isInstanceOf(BadInputException.class)
        .hasMessage("compose.yaml:5:9: 'db.local' in 'db.local:3306:3306' is not an IP address "
            + "(Docker and Compose refuse host names here): write e.g. 127.0.0.1");
    assertThatThrownBy(() -> Fixtures.lint("compose.yaml", """
        services:
          db:
            image: mysql
            ports:
              - target: 3306
                host_ip: localhost
        """)).isInstanceOf(BadInputException.class).hasMessageStartingWith("compose.yaml:5:9: ");
  }

  @Test
  void directorySearchFindsComposeFilesAndScripts() throws Exception {
    write("app/docker-compose.yml", "services: {}\n");
    write("app/docker-compose.prod.yml", "services: {}\n");
    write("ops/deploy.sh", "docker run acme/web\n");
    write("ops/Makefile", "x:\n\tdocker run acme/web\n");
    write("ops/bootstrap", "#!/bin/bash\ndocker run acme/web\n");
    write("ops/readme", "not a script\n");
    write("node_modules/x/compose.yaml", "services: {}\n");
    write(".git/compose.yaml", "services: {}\n");
    List<String> found = LintTargets.discover(List.of(dir)).stream()
        .map(u -> dir.relativize(u.files().get(0)).toString()).toList();
    assertThat(found).containsExactlyInAnyOrder("app/docker-compose.prod.yml", "app/docker-compose.yml",
        "ops/deploy.sh", "ops/Makefile", "ops/bootstrap");
  }
}
