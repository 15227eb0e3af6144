package dev.breakwater.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The picture of one host's exposure, laid out for the page's inline SVG: three columns, the
 * sources outside the host, the host's ports, and what answers behind them (a container's port,
 * or a process of the host itself). A line joins a source to a port it reaches (dashed when only
 * possibly), and a port to what answers; each line's SVG {@code <title>} (shown on hover) names
 * the rule that decides it. Coordinates are computed here, so the template only places them.
 *
 * @param width the drawing's width in user units ({@code viewBox})
 * @param height the drawing's height
 * @param summary the drawing in one sentence, for a screen reader ({@code aria-label})
 */
record ExposureMap(int width, int height, String summary, List<Node> nodes, List<Line> lines) {
  static final int WIDTH = 960;
  private static final int ROW = 34;
  private static final int TOP = 40;
  private static final int BOX_HEIGHT = 24;
  private static final int BOX_WIDTH = 250;
  private static final int[] COLUMN_X = {10, 355, 700};

  /** One box: a source, a host port, or what answers; {@code kind} is its CSS class. */
  record Node(int x, int y, int width, int height, int textX, int textY, String label, String kind, String severity,
      String title) {}

  /** One line; {@code path} is an SVG path of numbers only; {@code kind} is its CSS class. */
  record Line(String path, String kind, String title) {}

  /** A column heading: where it is and what it says. */
  record Heading(int x, String text) {}

  List<Heading> headings() {
    return List.of(new Heading(COLUMN_X[0], "Who reaches it"), new Heading(COLUMN_X[1], "Port on the host"),
        new Heading(COLUMN_X[2], "What answers"));
  }

  boolean isEmpty() {
    return nodes.isEmpty();
  }

  /** One port's place in the picture: its sources, the port, what answers, and the rule. */
  private record Port(String endpoint, String severity, List<String> sources, List<String> possibly, String target,
      String targetKind, String rule, String ufw) {}

  static ExposureMap of(AuditReport report) {
    List<Port> ports = new ArrayList<>();
    for (Exposure e : report.exposures()) {
      String name = e.runtime().equals("docker") ? e.container() : e.container() + " (" + e.runtime() + ")";
      ports.add(new Port(e.hostEndpoint(), e.severity().label(), labels(e.reachableFrom()), labels(e.possiblyReachableFrom()),
          name + ":" + e.containerPort(), "container", e.decidedBy(), e.ufwClaim()));
    }
    for (ListenerExposure l : report.hostListeners()) {
      ports.add(new Port(l.endpoint(), l.severity().label(), labels(l.reachableFrom()), labels(l.possiblyReachableFrom()),
          "host: " + (l.process().isEmpty() ? "?" : l.process()), "process", l.decidedBy(), l.ufwClaim()));
    }
    // Sources in the order they are first met (the report is worst first): the worst on top.
    Map<String, Integer> sourceRow = new LinkedHashMap<>();
    for (Port p : ports) {
      p.sources().forEach(s -> sourceRow.putIfAbsent(s, sourceRow.size()));
      p.possibly().forEach(s -> sourceRow.putIfAbsent(s, sourceRow.size()));
    }
    List<Node> nodes = new ArrayList<>();
    List<Line> lines = new ArrayList<>();
    sourceRow.forEach((source, row) -> nodes.add(box(0, row, source, "source", "", source.equals("anywhere")
        ? "every address on the internet (0.0.0.0/0 or ::/0)" : source)));
    for (int row = 0; row < ports.size(); row++) {
      Port p = ports.get(row);
      String reached = p.sources().isEmpty() && p.possibly().isEmpty() ? " (reached by nobody outside)" : "";
      nodes.add(box(1, row, p.endpoint(), "port", p.severity(), p.endpoint() + ": " + p.severity() + reached
          + "; UFW says " + p.ufw()));
      nodes.add(box(2, row, p.target(), p.targetKind(), "", p.target()));
      String why = p.rule().isEmpty() ? "no rule lets it in" : "decided by " + p.rule();
      for (String s : p.sources()) {
        lines.add(new Line(curve(1, sourceRow.get(s), row), "reach sev-" + p.severity(), s + " reaches " + p.endpoint() + ": " + why));
      }
      for (String s : p.possibly()) {
        lines.add(new Line(curve(1, sourceRow.get(s), row), "possibly sev-" + p.severity(),
            s + " possibly reaches " + p.endpoint() + ": " + why));
      }
      lines.add(new Line(curve(2, row, row), "answer", p.endpoint() + " is answered by " + p.target()
          + (p.targetKind().equals("container") ? " (Docker's DNAT)" : "")));
    }
    int rows = Math.max(sourceRow.size(), ports.size());
    String summary = ports.size() + (ports.size() == 1 ? " port" : " ports") + " of " + report.host() + ", reached from "
        + (sourceRow.isEmpty() ? "nowhere outside" : String.join(", ", sourceRow.keySet()));
    return new ExposureMap(WIDTH, TOP + rows * ROW, summary, nodes, lines);
  }

  private static Node box(int column, int row, String label, String kind, String severity, String title) {
    int y = TOP + row * ROW;
    return new Node(COLUMN_X[column], y, BOX_WIDTH, BOX_HEIGHT, COLUMN_X[column] + 8, y + 16, shorten(label), kind,
        severity.isEmpty() ? "" : "sev-" + severity, title);
  }

  /** A line from the right edge of a box in {@code column - 1} to the left edge of one in {@code column}. */
  private static String curve(int column, int fromRow, int toRow) {
    double x1 = COLUMN_X[column - 1] + BOX_WIDTH;
    double x2 = COLUMN_X[column];
    double y1 = TOP + fromRow * ROW + BOX_HEIGHT / 2.0;
    double y2 = TOP + toRow * ROW + BOX_HEIGHT / 2.0;
    double mid = (x1 + x2) / 2;
    return String.format(Locale.ROOT, "M%.0f %.0f C%.0f %.0f %.0f %.0f %.0f %.0f", x1, y1, mid, y1, mid, y2, x2, y2);
  }

  /** Sources as the page names them: a whole family is {@code anywhere}, shown once. */
  private static List<String> labels(List<String> cidrs) {
    return cidrs.stream().map(c -> c.endsWith("/0") ? "anywhere" : c).distinct().toList();
  }

  /** A box holds about 32 characters; the whole label is in its title. */
  private static String shorten(String label) {
    return label.length() <= 32 ? label : label.substring(0, 31) + "\u2026";
  }
}
