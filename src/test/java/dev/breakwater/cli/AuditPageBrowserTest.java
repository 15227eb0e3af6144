package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.snapshot.Corpus;
import dev.breakwater.system.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code audit --format html} in a real browser: Debian's headless Chromium loads the page the CLI
 * wrote (one host, and a fleet of 50), and the DOM it built ({@code --dump-dom}) holds a row for
 * every exposure the JSON lists, with nothing logged to the console. Screenshots are left in
 * {@code target/audit-page/} for a person to look at.
 */
@Tag("lab")
class AuditPageBrowserTest {
  private static final Duration BROWSER_TIME = Duration.ofSeconds(120);
  private static Path chromium;

  @TempDir Path tmp;

  @BeforeAll
  static void findChromium() {
    Optional<Path> found = CommandRunner.find("chromium");
    if (found.isEmpty()) {
      String reason = "AuditPageBrowserTest skipped: chromium is not installed (apt-get install chromium)";
      System.out.println(reason);
      Assumptions.abort(reason);
    }
    chromium = found.get();
  }

  /** The DOM Chromium built from {@code page}, and what it logged. */
  private record Loaded(String dom, String log) {
    List<String> consoleLines() {
      return log.lines().filter(l -> l.contains(":CONSOLE")).toList();
    }
  }

  private Loaded load(Path page) {
    return load(page.toUri().toString());
  }

  private Loaded load(String url) {
    CommandRunner.Result r = CommandRunner.local().run(List.of(chromium.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--user-data-dir=" + tmp.resolve("profile"), "--enable-logging=stderr", "--v=0",
        "--dump-dom", url), BROWSER_TIME);
    assertThat(r.exitCode()).as("chromium --dump-dom: %s", r.stderr()).isZero();
    return new Loaded(r.stdout(), r.stderr());
  }

  private void screenshot(Path page, String name) throws IOException {
    Path dir = Path.of("target", "audit-page").toAbsolutePath();
    Files.createDirectories(dir);
    Path png = dir.resolve(name + ".png");
    CommandRunner.Result r = CommandRunner.local().run(List.of(chromium.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--user-data-dir=" + tmp.resolve("profile"), "--window-size=1400,1800",
        "--screenshot=" + png, page.toUri().toString()), BROWSER_TIME);
    assertThat(r.exitCode()).as("chromium --screenshot: %s", r.stderr()).isZero();
    assertThat(png).isNotEmptyFile();
    System.out.println("screenshot: " + png);
  }

  private static int count(String text, String regex) {
    return (int) Pattern.compile(regex).matcher(text).results().count();
  }

  private Path page(String name, List<String> args) throws IOException {
    List<String> html = new ArrayList<>(List.of("audit"));
    html.addAll(args);
    html.addAll(List.of("--format", "html"));
    CliRun run = CliRun.of(html);
    assertThat(run.exit()).as(run.err()).isIn(0, 1);
    Path page = tmp.resolve(name + ".html");
    Files.writeString(page, run.out());
    return page;
  }

  private static JsonNode json(List<String> args) {
    List<String> json = new ArrayList<>(List.of("audit"));
    json.addAll(args);
    json.addAll(List.of("--format", "json"));
    return new ObjectMapper().readTree(CliRun.of(json).out());
  }

  @Test
  void theConsoleCheckSeesWhatAPageLogs() throws IOException {
    Path control = tmp.resolve("control.html");
    Files.writeString(control, "<!DOCTYPE html><html><body><p>x</p><script>console.error('bw-control')</script></body></html>");

    assertThat(load(control).consoleLines()).anyMatch(l -> l.contains("bw-control"));
  }

  @Test
  void oneHostsPageShowsEveryPublishedPortAndANameWithMarkupAsText() throws IOException {
    Path snap = Corpus.copy("docker-28-ufw-bypass", tmp.resolve("snap"));
    Path inspect = snap.resolve("docker-inspect.json");
    Files.writeString(inspect, Files.readString(inspect)
        .replace("\"Name\": \"/mysql\"", "\"Name\": \"/<script>console.error('injected')</script>\""));
    List<String> args = List.of("--from", snap.toString());
    JsonNode report = json(args);

    Path page = page("one-host", args);
    Loaded loaded = load(page);

    assertThat(loaded.consoleLines()).isEmpty();
    assertThat(count(loaded.dom, "<tr class=\"row exposure sev-")).isEqualTo(report.get("exposures").size()).isPositive();
    assertThat(count(loaded.dom, "<tr class=\"row exposure sev-critical\">")).isOne();
    assertThat(loaded.dom).contains("&lt;script&gt;console.error('injected')&lt;/script&gt;")
        .doesNotContain("<script>");
    assertThat(loaded.dom).contains("<svg viewBox=\"0 0 960 ").contains("<figcaption>");
    assertTablesHaveCaptionsAndScopes(loaded.dom);
    screenshot(page, "one-host");
  }

  @Test
  void aFleetOf50HostsShowsTheSharedExposuresAndEveryHost() throws IOException {
    List<String> scenarios = List.of("docker-28-ufw-bypass", "docker-20.10-ufw-bypass", "docker-user-fixed",
        "lab-seed-incident", "docker-user-dport-mistake", "host-network-container", "lab-docker-user-allowlist");
    Path fleet = tmp.resolve("fleet");
    for (int i = 0; i < 50; i++) {
      String name = "host-%02d".formatted(i);
      Path host = Corpus.copy(scenarios.get(i % scenarios.size()), fleet.resolve(name));
      Files.writeString(host.resolve("hostname"), name + "\n");
    }
    Files.createDirectories(fleet.resolve("half-copied"));
    Files.writeString(fleet.resolve("half-copied").resolve("docker-inspect.json"), "[]");
    List<String> args = List.of("--from", fleet.toString());
    JsonNode report = json(args);
    int exposures = 0;
    for (JsonNode host : report.get("hosts")) {
      if (host.get("report").isObject()) {
        exposures += host.get("report").get("exposures").size();
      }
    }

    Path page = page("fleet", args);
    Loaded loaded = load(page);

    assertThat(loaded.consoleLines()).isEmpty();
    assertThat(report.get("audited").asInt()).isEqualTo(50);
    assertThat(count(loaded.dom, "<section class=\"host\" id=\"host-\\d+\">")).isEqualTo(50);
    assertThat(count(loaded.dom, "<tr class=\"row exposure sev-")).isEqualTo(exposures);
    assertThat(count(loaded.dom, "<tr class=\"row shared-exposure sev-")).isEqualTo(report.get("shared").size()).isPositive();
    assertThat(loaded.dom).contains("<strong>half-copied</strong>");
    assertThat(loaded.dom.indexOf("Across the fleet")).isLessThan(loaded.dom.indexOf("<h2>host-00</h2>"));
    // The script ran (under the page's CSP): the filters are shown, and with none chosen every host.
    assertThat(loaded.dom).contains("<form id=\"host-filters\" class=\"filters\" data-shown=\"50\">")
        .contains("50 of 50 hosts shown");
    // One picture per host with a port or socket to draw, and the tables as the accessibility test wants them.
    int drawn = 0;
    for (JsonNode host : report.get("hosts")) {
      JsonNode r = host.get("report");
      if (r.isObject() && (!r.get("exposures").isEmpty() || !r.get("hostListeners").isEmpty())) {
        drawn++;
      }
    }
    assertThat(drawn).isPositive();
    assertThat(count(loaded.dom, "<svg viewBox=\"0 0 960 \\d+\" width=\"960\" height=\"\\d+\" role=\"img\"")).isEqualTo(drawn);
    assertTablesHaveCaptionsAndScopes(loaded.dom);

    // A filter from the address: only the hosts whose worst finding is critical, and their sections.
    int critical = 0;
    for (JsonNode host : report.get("hosts")) {
      if (host.get("worst").isString() && host.get("worst").asString().equals("critical")) {
        critical++;
      }
    }
    Loaded filtered = load(page.toUri() + "?severity=critical");
    assertThat(critical).isPositive().isLessThan(50);
    assertThat(filtered.dom).contains(critical + " of 50 hosts shown");
    assertThat(count(filtered.dom, "<tr class=\"row host-row sev-critical\" [^>]*>")).isEqualTo(critical);
    assertThat(count(filtered.dom, "<tr class=\"row host-row sev-(?!critical)[^>]* hidden=\"\">")).isEqualTo(50 - critical);
    assertThat(count(filtered.dom, "<section class=\"host\" id=\"host-\\d+\" hidden=\"\">")).isEqualTo(50 - critical);
    // By port: the hosts that publish or listen on 3306.
    int mysql = count(loaded.dom, "data-ports=\"[^\"]*\\b3306/tcp\\b");
    Loaded byPort = load(page.toUri() + "?port=3306");
    assertThat(mysql).isPositive().isLessThan(50);
    assertThat(byPort.dom).contains(mysql + " of 50 hosts shown");
    screenshot(page, "fleet");
  }

  /** Every table's first child is its caption, and every header cell has a scope. */
  private static void assertTablesHaveCaptionsAndScopes(String dom) {
    List<String> tables = Pattern.compile("<table.*?</table>", Pattern.DOTALL).matcher(dom).results().map(m -> m.group()).toList();
    assertThat(tables).isNotEmpty();
    for (String table : tables) {
      assertThat(table).containsPattern("^<table[^>]*>\\s*<caption>");
      assertThat(Pattern.compile("<th\\b[^>]*>").matcher(table).results().map(m -> m.group()).toList())
          .isNotEmpty().allMatch(th -> th.contains("scope=\"col\"") || th.contains("scope=\"row\""));
    }
  }
}
