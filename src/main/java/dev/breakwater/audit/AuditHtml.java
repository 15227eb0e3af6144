package dev.breakwater.audit;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import java.io.StringWriter;

/**
 * The audit as one self-contained HTML page ({@code audit --format html}): inline CSS, no script,
 * no external asset, so it opens offline, in a mail attachment, and prints. One host, or a fleet
 * (the shared exposures first, then each host). The words are {@link HtmlView}'s; the markup is the
 * templates in {@code resources/dev/breakwater/audit/html}.
 *
 * <p>Only the html path loads this class and Mustache: the text and JSON audits, and start-up,
 * never do.
 */
public final class AuditHtml {
  private AuditHtml() {}

  /** The page of one host's audit. */
  public static String render(AuditReport report) {
    return Templates.HOST_PAGE.execute(new StringWriter(), HtmlView.host(report, "host-1", "")).toString();
  }

  /** The page of a fleet's audit. */
  public static String render(FleetReport fleet) {
    return Templates.FLEET_PAGE.execute(new StringWriter(), HtmlView.fleet(fleet)).toString();
  }

  /** Compiled on first use: the holder is initialised only when a page is rendered. */
  private static final class Templates {
    private static final DefaultMustacheFactory FACTORY = new DefaultMustacheFactory("dev/breakwater/audit/html");
    static final Mustache HOST_PAGE = FACTORY.compile("host-page.mustache");
    static final Mustache FLEET_PAGE = FACTORY.compile("fleet-page.mustache");
  }
}
