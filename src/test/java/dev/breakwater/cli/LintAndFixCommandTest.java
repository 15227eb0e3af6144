package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LintAndFixCommandTest {
  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static final String UNSAFE = """
      services:
        web:
          image: acme/web
          ports:
            - "8080:80"   # keep this comment
      """;

  @Test
  void lintPrintsLikeACompilerAndExitsOneOnFindings() throws Exception {
    Path f = write("compose.yaml", UNSAFE);
    CliRun r = run("lint", f.toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(r.out()).startsWith(f + ":5:9: high BW001: port 8080->80/tcp of 'web' is published on every address")
        .contains("\n        - \"8080:80\"   # keep this comment\n          ^\n");
    assertThat(r.err()).contains("1 finding in 1 file");
  }

  @Test
  void failOnThresholdDecidesTheExitCode() throws Exception {
    Path f = write("compose.yaml", UNSAFE);
    assertThat(run("lint", "--fail-on", "critical", f.toString()).exit()).isEqualTo(ExitCodes.CLEAN);
    assertThat(run("lint", "--fail-on", "high", f.toString()).exit()).isEqualTo(ExitCodes.FINDINGS);
    CliRun bad = run("lint", "--fail-on", "severe", f.toString());
    assertThat(bad.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(bad.err()).contains("--fail-on").doesNotContain("at dev.breakwater");
  }

  @Test
  void cleanFilesExitZeroAndJsonIsData() throws Exception {
    Path f = write("compose.yaml", UNSAFE.replace("\"8080:80\"", "\"127.0.0.1:8080:80\""));
    assertThat(run("lint", f.toString()).exit()).isEqualTo(ExitCodes.CLEAN);
    CliRun json = run("lint", "--format", "json", write("x-compose.yml", UNSAFE).toString());
    assertThat(json.out()).contains("\"rule\" : \"BW001\"").contains("\"severity\" : \"high\"")
        .contains("\"line\" : 5").contains("\"fixable\" : true");
  }

  @Test
  void badInputExitsTwoWithFileLineColumn() throws Exception {
    Path f = write("compose.yaml", "services:\n  web:\n    ports: [\"nope:80:80\"]\n");
    CliRun r = run("lint", f.toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains(f + ":3:13: 'nope'").doesNotContain("at dev.breakwater");
    assertThat(run("lint", dir.resolve("missing.yaml").toString()).exit()).isEqualTo(ExitCodes.BAD_INPUT);
  }

  @Test
  void fileListsMergeAsComposeDoes() throws Exception {
    Path base = write("base.yaml", """
        services:
          db:
            image: postgres
            environment: [POSTGRES_PASSWORD_FILE=/run/secrets/pg]
            ports: ["5432:5432"]
        """);
    Path adds = write("prod.yaml", "services:\n  db:\n    ports: [\"127.0.0.1:5432:5432\"]\n");
    Path replaces = write("prod2.yaml", "services:\n  db:\n    ports: !override [\"127.0.0.1:5432:5432\"]\n");
    // ports merge as a set: the base's unbound entry survives an override that only adds one
    CliRun merged = run("lint", "-f", base.toString(), "-f", adds.toString());
    assertThat(merged.exit()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(merged.out()).startsWith(base + ":5:13: critical BW002:");
    assertThat(merged.err()).contains("1 finding in 2 files");
    CliRun overridden = run("lint", "-f", base.toString(), "-f", replaces.toString());
    assertThat(overridden.exit()).isEqualTo(ExitCodes.CLEAN);
    assertThat(overridden.err()).contains("0 findings in 2 files");
  }

  @Test
  void configFileSuppresses() throws Exception {
    Path f = write("compose.yaml", UNSAFE);
    Path config = write("lint.yaml", "ignore:\n  - rule: PublishedOnAllInterfaces\n    service: web\n    reason: public\n");
    assertThat(run("lint", "--config", config.toString(), f.toString()).exit()).isEqualTo(ExitCodes.CLEAN);
    Path badConfig = write("bad.yaml", "ignore:\n  - rule: BW001\n");
    assertThat(run("lint", "--config", badConfig.toString(), f.toString()).err()).contains("non-empty 'reason'");
  }

  @Test
  void fixShowsADiffThenWritesThenHasNothingLeft() throws Exception {
    Path f = write("compose.yaml", UNSAFE);
    CliRun dry = run("fix", f.toString());
    assertThat(dry.exit()).isZero();
    assertThat(dry.out()).contains("-      - \"8080:80\"   # keep this comment")
        .contains("+      - \"127.0.0.1:8080:80\"   # keep this comment");
    assertThat(Files.readString(f)).isEqualTo(UNSAFE);
    CliRun write = run("fix", "--write", "--bind", "172.17.0.1", f.toString());
    assertThat(write.exit()).isZero();
    assertThat(Files.readString(f)).isEqualTo(UNSAFE.replace("\"8080:80\"", "\"172.17.0.1:8080:80\""));
    CliRun again = run("fix", "--write", f.toString());
    assertThat(again.out()).isEmpty();
    assertThat(again.err()).contains("nothing to fix");
    assertThat(run("lint", f.toString()).exit()).isZero();
  }

  @Test
  void fixWriteGoesThroughTheAtomicWriteAndLeavesALinkedFileAlone() throws Exception {
    // fix --write once rewrote the file in place (a crash mid-write truncated it); it now writes a
    // temporary file and renames it, which would replace a symbolic link rather than its target.
    Path real = write("real-compose.yaml", UNSAFE);
    Path link = Files.createSymbolicLink(real.resolveSibling("compose.yaml"), real);
    CliRun r = run("fix", "--write", link.toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("is a symbolic link").contains("file left unchanged");
    assertThat(Files.readString(real)).isEqualTo(UNSAFE);
    assertThat(Files.isSymbolicLink(link)).isTrue();
    try (var files = Files.list(real.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void fixNeverTouchesAFileThatDoesNotParse() throws Exception {
    String broken = UNSAFE + "    image: duplicate\n  x: [\n";
    Path f = write("compose.yaml", broken);
    CliRun r = run("fix", "--write", f.toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("file left unchanged");
    assertThat(Files.readString(f)).isEqualTo(broken);
  }

  @Test
  void fixRefusesABindAddressThatIsNotOne() throws Exception {
    Path f = write("compose.yaml", UNSAFE);
    assertThat(run("fix", "--bind", "localhost", f.toString()).exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run("fix", "--bind", "0.0.0.0", f.toString()).err()).contains("every address");
  }

  @Test
  void listRulesShowsEveryRule() {
    CliRun r = run("lint", "--list-rules");
    assertThat(r.out()).contains("BW001").contains("BW009").contains("DataStorePublished");
  }

  private static final String PROXIED = """
      services:
        proxy:
          image: traefik:v3
          ports:
            - "80:80"
            - "443:443"
        admin:
          image: ghcr.io/acme/admin:1
          ports:
            - "2019:2019"
        app:
          image: ghcr.io/acme/app:1
          ports:
            - "3000:3000"
        other:
          image: ghcr.io/acme/other:1
          ports:
            - "8080:8080"
      """;

  @Test
  void aReverseProxysPortsStayPublicUnlessAllIsAsked() throws Exception {
    Path f = write("compose.yaml", PROXIED);
    CliRun lint = run("lint", f.toString());
    assertThat(lint.out()).contains("BW010").contains("reverse proxy's public port");
    run("fix", "--write", f.toString());
    String fixed = Files.readString(f);
    assertThat(fixed).contains("- \"80:80\"", "- \"443:443\"", "- \"127.0.0.1:8080:8080\"");
    Path config = write("lint.yaml", "fix: all\n");
    run("fix", "--write", "--config", config.toString(), f.toString());
    assertThat(Files.readString(f)).contains("- \"127.0.0.1:80:80\"", "- \"127.0.0.1:443:443\"");
    Files.writeString(f, PROXIED);
    run("fix", "--write", "--all", f.toString());
    assertThat(Files.readString(f)).contains("- \"127.0.0.1:80:80\"", "- \"127.0.0.1:443:443\"");
    assertThat(run("lint", "--config", write("bad-fix.yaml", "fix: everything\n").toString(), f.toString()).err())
        .contains("expected 'fix: all'");
  }

  @Test
  void aPortAProxyConfigReachesIsBoundToTheAddressTheProxyUses() throws Exception {
    Path f = write("compose.yaml", PROXIED);
    Files.createDirectories(dir.resolve("nginx/conf.d"));
    write("nginx/conf.d/admin.conf", """
        server {
          listen 443 ssl;
          location / {
            proxy_pass http://172.17.0.1:2019;
          }
          location /app { proxy_pass http://app:3000; }
        }
        """);
    write("Caddyfile", "example.com {\n\treverse_proxy localhost:3000\n}\n");
    CliRun lint = run("lint", dir.toString());
    assertThat(lint.out()).contains("admin.conf:4 reaches it on 172.17.0.1:2019, so it is meant to be internal")
        .contains("Caddyfile:2 reaches it on 127.0.0.1:3000");
    CliRun fix = run("fix", "--write", dir.toString());
    assertThat(fix.err()).contains("2 of them to the address the reverse proxy config uses");
    assertThat(Files.readString(f)).contains("- \"172.17.0.1:2019:2019\"", "- \"127.0.0.1:3000:3000\"",
        "- \"127.0.0.1:8080:8080\"", "- \"80:80\"");
  }

  @Test
  void oneUnreadableLineDoesNotMakeTheScriptBadInput() throws Exception {
    Path f = write("deploy.sh", "docker run -p 80:80:tcp acme/web\ndocker run -p 3306:3306 mysql:8\n");
    CliRun r = run("lint", f.toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(r.out()).contains("deploy.sh:1:").contains("BW013").contains("deploy.sh:2:").contains("BW002");
    assertThat(run("fix", "--write", f.toString()).exit()).isZero();
    assertThat(Files.readString(f)).isEqualTo("docker run -p 80:80:tcp acme/web\ndocker run -p 127.0.0.1:3306:3306 mysql:8\n");
  }
}
