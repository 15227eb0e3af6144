package dev.breakwater.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.catalog.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The page's own accessibility: every table has a caption and headers with a scope, the picture
 * has a text alternative, and every colour the style sheet gives text reaches WCAG 2.2 AA's
 * contrast (4.5:1, success criterion 1.4.3) on every background it uses, in the light scheme, the
 * dark one, and on paper (print, whichever scheme the reader's system prefers).
 */
class AuditPageAccessibilityTest {
  /** WCAG 2.2, 1.4.3 Contrast (Minimum), level AA, for text below 18pt. */
  private static final double AA = 4.5;
  private static final List<String> BACKGROUNDS = List.of("--bg", "--head");
  private static final List<String> SEVERITIES = List.of("--critical", "--high", "--medium", "--low", "--info");

  private static FleetReport fleet() {
    ExposureFinding store = new ExposureFinding("exposed-data-store", Severity.CRITICAL, "MySQL from anywhere", "bind it");
    ExposureFinding api = new ExposureFinding("exposed-docker-api", Severity.CRITICAL, "dockerd from anywhere", "TLS");
    Exposure mysql = new Exposure("mysql", "mysql:8.4", "", "", "0.0.0.0", 3306, "tcp", 3306, List.of("0.0.0.0/0"),
        List.of(), true, "deny", "filter/DOCKER #2 (line 76)", List.of(), List.of(store));
    Exposure web = new Exposure("web", "nginx:1", "", "", "0.0.0.0", 8080, "tcp", 80, List.of(), List.of("198.51.100.0/24"),
        false, "deny", "filter/DOCKER-USER #1 (line 40)", List.of("a note"), List.of());
    ListenerExposure docker = new ListenerExposure("dockerd", List.of(1), "*", "", 2375, "tcp", List.of("0.0.0.0/0"),
        List.of(), true, false, "allow", "filter/ufw-user-input #2 (line 137)", List.of(), List.of(api));
    AuditReport a = new AuditReport("a", List.of(mysql, web), List.of("no ip6tables-save.txt"),
        List.of(new ExposureFinding("ufw-forward-accept", Severity.MEDIUM, "m", "f")), List.of(docker), List.of("443/tcp"));
    AuditReport b = new AuditReport("b", List.of(web), List.of());
    return FleetAudit.of(List.of(FleetHost.audited("/f/a", a), FleetHost.audited("/f/b", b),
        FleetHost.badInput("c", "/f/c", "missing ip-addr.json")));
  }

  private static List<String> pages() {
    FleetReport fleet = fleet();
    return List.of(AuditHtml.render(fleet), AuditHtml.render(fleet.hosts().get(1).report()));
  }

  @Test
  void everyTableHasACaptionAndEveryHeaderAScope() {
    for (String html : pages()) {
      List<String> tables = all(html, "<table[^>]*>.*?</table>");
      assertThat(tables).isNotEmpty();
      for (String table : tables) {
        assertThat(table).as("a table's first child is its caption").containsPattern("^<table[^>]*>\\s*<caption>[^<]+</caption>");
        List<String> headers = all(table, "<th\\b[^>]*>");
        assertThat(headers).as("a table has headers").isNotEmpty();
        assertThat(headers).allMatch(th -> th.matches("<th scope=\"(col|row)\">"), "th with scope=col or scope=row");
        // Every body row's cells are as many as the header's columns: a header names each column.
        int columns = all(table, "<th scope=\"col\">").size();
        for (String row : all(table, "<tbody>.*</tbody>").stream().flatMap(b -> all(b, "<tr.*?</tr>").stream()).toList()) {
          assertThat(all(row, "<t[dh]\\b").size()).as(row).isEqualTo(columns);
        }
      }
    }
  }

  @Test
  void thePictureHasATextAlternativeAndTheFiltersHaveLabels() {
    String fleet = pages().get(0);
    List<String> svgs = all(fleet, "<svg[^>]*>");
    assertThat(svgs).hasSize(2).allMatch(svg -> svg.contains("role=\"img\"") && svg.contains("aria-label=\""));
    assertThat(fleet).contains("<label for=\"filter-severity\">", "<label for=\"filter-port\">", "aria-live=\"polite\"");
    assertThat(fleet).contains("<html lang=\"en\">");
  }

  @Test
  void everyTextColourHasAaContrastOnEveryBackgroundInEveryScheme() {
    String css = pages().get(0).replaceAll("(?s).*<style>(.*)</style>.*", "$1");
    Map<String, String> light = properties(group(css, "^\\s*:root \\{([^}]*)\\}"));
    Map<String, String> dark = properties(group(css, "@media \\(prefers-color-scheme: dark\\) \\{\\s*:root \\{([^}]*)\\}"));
    Map<String, String> paper = properties(group(css, "@media print \\{\\s*(?:/\\*.*?\\*/\\s*)?:root \\{([^}]*)\\}"));
    Map<String, Map<String, String>> schemes = Map.of(
        "light", light,
        "dark", merged(light, dark),
        "print (light system)", merged(light, paper),
        "print (dark system)", merged(merged(light, dark), paper));

    // The colours the style sheet gives text (color:, and fill: for SVG text); --sev is each severity.
    Set<String> used = new TreeSet<>();
    Matcher m = Pattern.compile("(?<![-\\w])(?:color|fill): var\\((--[a-z]+)").matcher(css.replaceAll("(?s)\\.exposure-map rect \\{[^}]*\\}", ""));
    while (m.find()) {
      used.add(m.group(1));
    }
    assertThat(used).contains("--fg", "--muted", "--sev", "--medium");
    List<String> text = new ArrayList<>();
    for (String v : used) {
      if (v.equals("--sev")) {
        text.addAll(SEVERITIES);
      } else {
        text.add(v);
      }
    }

    List<String> failures = new ArrayList<>();
    schemes.forEach((scheme, colours) -> {
      for (String fg : text) {
        for (String bg : BACKGROUNDS) {
          double ratio = contrast(hex(colours, fg, scheme), hex(colours, bg, scheme));
          if (ratio < AA) {
            failures.add("%s: %s %s on %s %s is %.2f:1".formatted(scheme, fg, colours.get(fg), bg, colours.get(bg), ratio));
          }
        }
      }
    });
    assertThat(failures).as("text below WCAG AA 4.5:1").isEmpty();
  }

  @Test
  void theContrastFormulaIsWcags() {
    assertThat(contrast("#000000", "#ffffff")).isCloseTo(21.0, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(contrast("#777777", "#ffffff")).isCloseTo(4.48, org.assertj.core.api.Assertions.within(0.01));
    assertThat(contrast("#767676", "#ffffff")).isGreaterThanOrEqualTo(AA);
  }

  /** WCAG 2.2's contrast ratio: (L1 + 0.05) / (L2 + 0.05) of the relative luminances. */
  static double contrast(String a, String b) {
    double la = luminance(a);
    double lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  private static double luminance(String hex) {
    double[] rgb = new double[3];
    for (int i = 0; i < 3; i++) {
      double c = Integer.parseInt(hex.substring(1 + 2 * i, 3 + 2 * i), 16) / 255.0;
      rgb[i] = c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  }

  private static String hex(Map<String, String> colours, String name, String scheme) {
    String value = colours.get(name);
    assertThat(value).as("%s defines %s as #rrggbb", scheme, name).matches("#[0-9a-fA-F]{6}");
    return value;
  }

  private static Map<String, String> properties(String block) {
    Map<String, String> out = new HashMap<>();
    Matcher m = Pattern.compile("(--[a-z]+):\\s*(#[0-9a-fA-F]{6})").matcher(block);
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  private static Map<String, String> merged(Map<String, String> base, Map<String, String> over) {
    Map<String, String> out = new HashMap<>(base);
    out.putAll(over);
    return out;
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
    assertThat(m.find()).as("the style sheet has %s", regex).isTrue();
    return m.group(1);
  }

  private static List<String> all(String text, String regex) {
    return Pattern.compile(regex, Pattern.DOTALL).matcher(text).results().map(r -> r.group()).toList();
  }
}
