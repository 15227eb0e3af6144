package dev.breakwater.audit;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The audit as one self-contained HTML page ({@code audit --format html}): inline CSS and SVG, no
 * external asset, so it opens offline, in a mail attachment, and prints. One host, or a fleet
 * (the shared exposures first, then the host list with its filters, then each host). The words
 * are {@link HtmlView}'s, the picture {@link ExposureMap}'s; the markup is the templates in
 * {@code resources/dev/breakwater/audit/html}.
 *
 * <p>A one-host page has no script. A fleet's page has one, the host list's filters ({@code
 * filter.js}); without it the page shows every host, as it prints. Each page's
 * Content-Security-Policy allows no network at all and no script but that one file (by its
 * SHA-256), so even a failure of the templates' escaping could not run what a snapshot holds.
 *
 * <p>Only the html path loads this class and Mustache: the text and JSON audits, and start-up,
 * never do.
 */
public final class AuditHtml {
  /** Nothing from the network; inline styles (the page's one style element) and SVG only. */
  private static final String CSP_BASE = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; ";

  private AuditHtml() {}

  /** The page of one host's audit. */
  public static String render(AuditReport report) {
    return Templates.HOST_PAGE.execute(new StringWriter(), new HostPage(HtmlView.host(report, "host-1", ""),
        CSP_BASE + "script-src 'none'")).toString();
  }

  /** The page of a fleet's audit. */
  public static String render(FleetReport fleet) {
    return Templates.FLEET_PAGE.execute(new StringWriter(), HtmlView.fleet(fleet, Templates.FILTER_SCRIPT,
        CSP_BASE + "script-src 'sha256-" + Templates.FILTER_SCRIPT_SHA256 + "'")).toString();
  }

  /** A one-host page: the host, and the policy its meta element states. */
  record HostPage(HtmlView.HostView host, String csp) {}

  /** Compiled on first use: the holder is initialised only when a page is rendered. */
  private static final class Templates {
    private static final String DIR = "dev/breakwater/audit/html";
    private static final DefaultMustacheFactory FACTORY = new DefaultMustacheFactory(DIR);
    static final Mustache HOST_PAGE = FACTORY.compile("host-page.mustache");
    static final Mustache FLEET_PAGE = FACTORY.compile("fleet-page.mustache");
    static final String FILTER_SCRIPT = resource("filter.js");
    static final String FILTER_SCRIPT_SHA256 = sha256(FILTER_SCRIPT);

    private static String resource(String name) {
      try (InputStream in = AuditHtml.class.getClassLoader().getResourceAsStream(DIR + "/" + name)) {
        if (in == null) {
          throw new IllegalStateException("the jar has no " + DIR + "/" + name + ": a broken build");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The CSP hash of an inline script: base64 of the SHA-256 of its exact text (CSP Level 2, 4.2.4). */
    static String sha256(String script) {
      try {
        return Base64.getEncoder().encodeToString(
            MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-256", e);
      }
    }
  }
}
