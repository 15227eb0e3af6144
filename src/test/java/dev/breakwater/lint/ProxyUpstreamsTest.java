package dev.breakwater.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.compose.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyUpstreamsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({
      "172.17.0.1:2019, 172.17.0.1, 2019",
      "localhost:8080, 127.0.0.1, 8080",
      "LOCALHOST:81, 127.0.0.1, 81",
      "[::1]:9000, ::1, 9000",
      "10.0.0.5:5601, 10.0.0.5, 5601"})
  void upstreamsThatAPublishedPortCanBe(String text, String address, int port) {
    assertThat(ProxyUpstreams.upstream(text, "x:1")).hasValue(new ProxyUpstreams.Upstream(address, port, "x:1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"app:3000", "172.17.0.1", "0.0.0.0:80", "localhost", "backend", "1.2.3.4:99999", "$upstream:80"})
  void namesBareHostsAndEveryAddressAreNot(String text) {
    assertThat(ProxyUpstreams.upstream(text, "x:1")).isEmpty();
  }

  @Test
  void onlyConfFilesAndCaddyfilesAreReadAndHiddenFoldersSkipped() throws Exception {
    Files.writeString(dir.resolve("notes.txt"), "proxy_pass http://127.0.0.1:7001;\n");
    Files.createDirectories(dir.resolve(".git"));
    Files.writeString(dir.resolve(".git/x.conf"), "proxy_pass http://127.0.0.1:7002;\n");
    Files.writeString(dir.resolve("site.conf"), "  # proxy_pass http://127.0.0.1:7003;\n  proxy_pass https://127.0.0.1:7004/api;\n");
    Files.writeString(dir.resolve("Caddyfile.prod"), "a.example {\n  reverse_proxy 127.0.0.1:7005 127.0.0.1:7006 {\n  }\n}\n");
    Path compose = dir.resolve("compose.yaml");
    StringBuilder b = new StringBuilder("services:\n  app:\n    image: acme/app\n    ports:\n");
    for (int p = 7001; p <= 7006; p++) {
      b.append("      - \"").append(p).append(':').append(p).append("\"\n");
    }
    Files.writeString(compose, b.toString());
    List<LintFinding> findings = new Linter(LintConfig.empty(), ProxyUpstreams.scan(List.of(dir)))
        .lint(new LintUnit.ComposeProject(List.of(compose))).findings();
    assertThat(Fixtures.actual(findings)).hasSize(6);
    assertThat(findings).extracting(f -> f.bindTo().isPresent())
        .containsExactly(false, false, false, true, true, true);
  }
}
