package dev.breakwater.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.catalog.Severity;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The page's markup, on hand-made audits: every row, the severity classes, escaping, self-containment. */
class AuditHtmlTest {
  private static final ExposureFinding STORE = new ExposureFinding("exposed-data-store", Severity.CRITICAL,
      "MySQL is reachable from anywhere", "bind it to 127.0.0.1");
  private static final ExposureFinding BYPASS = new ExposureFinding("ufw-bypass", Severity.HIGH,
      "UFW denies 3306/tcp", "filter it in DOCKER-USER");
  private static final ExposureFinding OPEN = new ExposureFinding("host-port-open", Severity.LOW,
      "sshd answers from anywhere", "expect it with --expect-open 22/tcp");
  private static final ExposureFinding FORWARD = new ExposureFinding("ufw-forward-accept", Severity.MEDIUM,
      "UFW's DEFAULT_FORWARD_POLICY=ACCEPT opens every forwarded path", "DEFAULT_FORWARD_POLICY=\"DROP\"");

  private static Exposure exposure(String container, String image, int port, List<String> from, List<String> possibly,
      String rule, ExposureFinding... findings) {
    return new Exposure(container, image, "", "", "0.0.0.0", port, "tcp", port, from, possibly, possibly.isEmpty(),
        "deny", rule, List.of(), List.of(findings));
  }

  private static ListenerExposure listener(String process, int port, ExposureFinding... findings) {
    return new ListenerExposure(process, List.of(1201), "0.0.0.0", "", port, "tcp", List.of("0.0.0.0/0"), List.of(),
        true, false, "allow", "filter/ufw-user-input #2 (line 137)", List.of(), List.of(findings));
  }

  private static AuditReport report(String host) {
    return new AuditReport(host,
        List.of(
            exposure("mysql", "mysql:8.4", 3306, List.of("0.0.0.0/0"), List.of(), "filter/DOCKER #2 (line 76)", STORE, BYPASS),
            exposure("web", "nginx:1.27", 8080, List.of(), List.of("198.51.100.0/24"), "filter/DOCKER-USER #1 (line 40)"),
            exposure("cache", "redis:7", 6379, List.of(), List.of(), "")),
        List.of("no ip6tables-save.txt in the snapshot: IPv6 exposure is not analysed"),
        List.of(FORWARD),
        List.of(listener("sshd", 22, OPEN), listener("", 9100)),
        List.of("443/tcp"));
  }

  private static int count(String html, String regex) {
    return (int) Pattern.compile(regex).matcher(html).results().count();
  }

  /** The text of the first {@code <tr class="row ...">} whose cells contain {@code needle}. */
  private static String rowWith(String html, String needle) {
    Matcher m = Pattern.compile("<tr class=\"row [^\"]*\">.*?</tr>", Pattern.DOTALL).matcher(html);
    while (m.find()) {
      if (m.group().contains(needle)) {
        return m.group();
      }
    }
    throw new AssertionError("no row with " + needle);
  }

  @Test
  void onePageHasTheSummaryARowPerPortAndListenerAndTheHostWideParts() {
    String html = AuditHtml.render(report("db-1"));

    assertThat(html).startsWith("<!DOCTYPE html>").contains("<title>Breakwater audit: db-1</title>");
    assertThat(html).contains("<dd class=\"host-name\">db-1</dd>", "<span class=\"sev worst\">critical</span>",
        "3 (1 reachable from outside)", "2 (2 reachable from outside)");
    assertThat(count(html, "<tr class=\"row exposure ")).isEqualTo(3);
    assertThat(count(html, "<tr class=\"row listener ")).isEqualTo(2);

    String mysql = rowWith(html, "mysql:8.4");
    assertThat(mysql).startsWith("<tr class=\"row exposure sev-critical\">")
        .contains("0.0.0.0:3306/tcp", "anywhere", ">deny<", "filter/DOCKER #2 (line 76)")
        .contains("exposed-data-store", "MySQL is reachable from anywhere", "bind it to 127.0.0.1")
        .contains("<li class=\"finding sev-high\">", "ufw-bypass", "filter it in DOCKER-USER");
    assertThat(rowWith(html, "nginx:1.27")).startsWith("<tr class=\"row exposure sev-info\">")
        .contains("nobody<div class=\"possibly\">possibly: 198.51.100.0/24</div>", "filter/DOCKER-USER #1 (line 40)");
    assertThat(rowWith(html, "redis:7")).contains("<td class=\"mono rule\">-</td>", "<span class=\"muted\">none</span>");
    assertThat(rowWith(html, ">sshd<")).startsWith("<tr class=\"row listener sev-low\">")
        .contains("0.0.0.0:22/tcp", ">allow<", "filter/ufw-user-input #2 (line 137)", "host-port-open");
    assertThat(rowWith(html, ":9100/tcp")).contains("<td class=\"process\">?</td>");

    assertThat(html).contains("<h3>The host's firewall</h3>", "<li class=\"finding sev-medium\">", "ufw-forward-accept",
        "DEFAULT_FORWARD_POLICY&#61;&quot;DROP&quot;");
    assertThat(html).contains("reachable from nowhere outside: <code>443/tcp</code>");
    assertThat(html).contains("<li>no ip6tables-save.txt in the snapshot: IPv6 exposure is not analysed</li>");
    // Worst first, as the report orders them: the page keeps the order.
    assertThat(html.indexOf("mysql:8.4")).isLessThan(html.indexOf("nginx:1.27"));
  }

  @Test
  void aPageNeedsNothingButItself() {
    String html = AuditHtml.render(report("db-1"));

    assertThat(count(html, "<style>")).isEqualTo(1);
    assertThat(html).doesNotContainIgnoringCase("<script").doesNotContain("<link", "src=", "@import", "url(", "http://",
        "https://");
    assertThat(count(html, "<th scope=\"col\">")).isEqualTo(14);
    assertThat(html).contains("@media print", "prefers-color-scheme: dark");
  }

  @Test
  void everyTextFromTheSnapshotIsEscaped() {
    String evil = "<script>alert(1)</script>";
    Exposure bad = new Exposure(evil, "img\"><img src=x onerror=alert(2)>", "", "", "0.0.0.0", 80, "tcp", 80,
        List.of("0.0.0.0/0"), List.of(), true, "deny", "filter/DOCKER -m comment --comment \"" + evil + "\" & more",
        List.of("note " + evil), List.of(new ExposureFinding("ufw-bypass", Severity.HIGH, "in " + evil, "fix " + evil)));
    ListenerExposure sock = new ListenerExposure(evil, List.of(1), "0.0.0.0", "", 22, "tcp", List.of("0.0.0.0/0"),
        List.of(), true, false, "allow", evil, List.of(), List.of());
    AuditReport report = new AuditReport("host" + evil, List.of(bad), List.of(evil),
        List.of(new ExposureFinding("ufw-forward-accept", Severity.MEDIUM, evil, evil)), List.of(sock), List.of());

    String one = AuditHtml.render(report);
    String fleet = AuditHtml.render(FleetAudit.of(List.of(FleetHost.audited("/fleet/" + evil, report),
        FleetHost.badInput(evil, "/fleet/x", "iptables-save.txt:1:1: " + evil))));

    // The fleet's one script is the filters' own file; no other script element, on either page.
    assertThat(count(fleet, "(?i)<script")).isOne();
    assertThat(fleet).contains("<script>// The host list's filters (fleet page only).");
    for (String html : List.of(one, fleet.replaceAll("(?s)<script>// The host list's filters.*?</script>", ""))) {
      assertThat(html).doesNotContainIgnoringCase("<script").doesNotContain("<img", "onerror=alert(2)>");
      assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;", "img&quot;&gt;&lt;img src&#61;x onerror&#61;alert(2)&gt;",
          "&amp; more");
    }
  }

  @Test
  void aFleetPageShowsTheSharedExposuresFirstThenTheBadInputThenEveryHost() {
    FleetReport fleet = FleetAudit.of(List.of(
        FleetHost.audited("/fleet/db-1", report("db-1")),
        FleetHost.audited("/fleet/db-2", report("db-2")),
        FleetHost.audited("/fleet/web-1", new AuditReport("web-1",
            List.of(exposure("web", "nginx:1.27", 80, List.of("0.0.0.0/0"), List.of(), "filter/DOCKER #1 (line 9)",
                new ExposureFinding("bound-all-interfaces", Severity.LOW, "all IPv4", "bind it"))), List.of())),
        FleetHost.badInput("db-9", "/fleet/db-9", "/fleet/db-9/iptables-save.txt:3:1: expected a table")));

    String html = AuditHtml.render(fleet);

    assertThat(html).contains("<title>Breakwater audit: fleet of 4 hosts</title>");
    String shared = rowWith(html, "3306/tcp of mysql");
    assertThat(shared).startsWith("<tr class=\"row shared-exposure sev-critical\">")
        .contains("3306/tcp of mysql reachable from anywhere on 2 of 3 hosts", "db-1", "db-2",
            "exposed-data-store, ufw-bypass");
    assertThat(rowWith(html, "80/tcp of nginx")).startsWith("<tr class=\"row shared-exposure sev-low\">");
    assertThat(html).contains("<strong>db-9</strong>", "expected a table");
    for (String host : List.of("db-1", "db-2", "web-1")) {
      assertThat(html).contains("<h2>" + host + "</h2>", "<dd class=\"mono\">/fleet/" + host + "</dd>");
    }
    assertThat(count(html, "<section class=\"host\" id=\"host-\\d\">")).isEqualTo(3);
    assertThat(html).contains("<a href=\"#host-1\">db-1</a>", "<a href=\"#host-3\">web-1</a>");
    assertThat(count(html, "<tr class=\"row exposure ")).isEqualTo(7);
    int sharedAt = html.indexOf("<h2>Across the fleet</h2>");
    assertThat(sharedAt).isPositive().isLessThan(html.indexOf("Not audited")).isLessThan(html.indexOf("<h2>db-1</h2>"));
  }

  @Test
  void aHostWithNothingPublishedSaysSo() {
    String html = AuditHtml.render(new AuditReport("empty", List.of(), List.of()));

    assertThat(html).contains("No container publishes a port.", "<span class=\"sev worst\">info</span>")
        .doesNotContain("<table", "Host listeners</h3>", "Limits of this answer");
  }

  @Test
  void thePictureJoinsSourcesPortsAndWhatAnswersAndNamesTheDecidingRuleOnHover() {
    String html = AuditHtml.render(report("db-1"));
    String svg = html.replaceAll("(?s).*?(<svg.*?</svg>).*", "$1");

    assertThat(svg).startsWith("<svg viewBox=\"0 0 960 ").contains("role=\"img\"");
    // Boxes: two sources (anywhere, and the possible 198.51.100.0/24), five ports, five answers.
    assertThat(count(svg, "<g class=\"node source")).isEqualTo(2);
    assertThat(count(svg, "<g class=\"node port sev-")).isEqualTo(5);
    assertThat(count(svg, "<g class=\"node container")).isEqualTo(3);
    assertThat(count(svg, "<g class=\"node process")).isEqualTo(2);
    assertThat(svg).contains("<path class=\"reach sev-critical\" d=\"M260 ",
        "<title>anywhere reaches 0.0.0.0:3306/tcp: decided by filter/DOCKER #2 (line 76)</title>",
        "<path class=\"possibly sev-info\"",
        "<title>198.51.100.0/24 possibly reaches 0.0.0.0:8080/tcp: decided by filter/DOCKER-USER #1 (line 40)</title>",
        "<title>0.0.0.0:3306/tcp is answered by mysql:3306 (Docker&#39;s DNAT)</title>",
        "<title>0.0.0.0:22/tcp is answered by host: sshd</title>");
    // Reached by nobody: the port is drawn, with no line from a source.
    assertThat(svg).contains("0.0.0.0:6379/tcp: info (reached by nobody outside)").doesNotContain("reaches 0.0.0.0:6379/tcp");
  }
}
