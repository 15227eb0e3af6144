package dev.breakwater.probe;

import dev.breakwater.catalog.Severity;
import java.io.IOException;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The Docker Engine API without TLS: {@code GET /version}. An answer means anyone who reaches
 * the port can start a privileged container that mounts the host's root: root on the host.
 */
public record DockerApiCheck() implements ServiceCheck {
  @Override
  public String service() {
    return "docker-api";
  }

  @Override
  public List<Integer> defaultPorts() {
    return List.of(2375);
  }

  @Override
  public ServiceFinding check(Endpoint endpoint, CheckOptions options) throws IOException {
    HttpReply reply = HttpReply.get(endpoint, "/version", options);
    JsonNode json = reply.json();
    if (reply.status() == 200 && json.has("ApiVersion")) {
      String version = json.path("Version").asString("");
      return new ServiceFinding(endpoint, service(), Access.NO_AUTH, Severity.CRITICAL, version,
          "the Docker Engine API " + version + " at " + endpoint + " answers without TLS or credentials: "
              + "anyone who reaches it is root on that host",
          "remove '-H tcp://...' (or \"hosts\" in daemon.json) and use the local socket or SSH "
              + "(DOCKER_HOST=ssh://...); if remote access is needed, use TLS client certificates on 2376");
    }
    return new ServiceFinding(endpoint, service(), Access.UNRECOGNISED, Severity.INFO, "",
        "port " + endpoint + " answered HTTP but not as the Docker API (" + Printable.excerpt(reply.statusLine()) + ")", "");
  }
}
