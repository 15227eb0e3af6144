package dev.breakwater.probe;

import dev.breakwater.catalog.Severity;
import java.io.IOException;
import java.util.List;

/** Any web server: {@code GET /} and what its status line and Server header say. */
public record HttpBannerCheck() implements ServiceCheck {
  @Override
  public String service() {
    return "http";
  }

  @Override
  public List<Integer> defaultPorts() {
    return List.of(80, 8000, 8008, 8080, 8081, 8888, 3000, 5000, 9000);
  }

  @Override
  public ServiceFinding check(Endpoint endpoint, CheckOptions options) throws IOException {
    HttpReply reply = HttpReply.get(endpoint, "/", options);
    String server = reply.header("server");
    String banner = Printable.plain(server);
    return new ServiceFinding(endpoint, service(), Access.UNTESTED, Severity.INFO, banner,
        "a web server at " + endpoint + " answers '" + Printable.plain(reply.statusLine()) + "'"
            + (banner.isEmpty() ? "" : " (Server: " + banner + ")"),
        "");
  }
}
