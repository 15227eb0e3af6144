package dev.breakwater.probe;

import dev.breakwater.catalog.Severity;
import java.io.IOException;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Elasticsearch and OpenSearch: {@code GET /}. A 200 with {@code cluster_name} and a version
 * means the REST API is open to whoever reaches it (read, write, delete every index); 401 means
 * security is on.
 */
public record ElasticsearchCheck() implements ServiceCheck {
  @Override
  public String service() {
    return "elasticsearch";
  }

  @Override
  public List<Integer> defaultPorts() {
    return List.of(9200);
  }

  @Override
  public ServiceFinding check(Endpoint endpoint, CheckOptions options) throws IOException {
    HttpReply reply = HttpReply.get(endpoint, "/", options);
    JsonNode json = reply.json();
    if (reply.status() == 200 && json.has("cluster_name")) {
      String distribution = json.path("version").path("distribution").asString("");
      String product = distribution.equals("opensearch") ? "OpenSearch" : "Elasticsearch";
      String version = json.path("version").path("number").asString("");
      return new ServiceFinding(endpoint, service(), Access.NO_AUTH, Severity.CRITICAL, version,
          product + " " + version + " at " + endpoint + " (cluster '" + json.path("cluster_name").asString("")
              + "') answers its REST API without credentials: anyone can read and delete every index",
          "enable security (xpack.security.enabled: true, or the OpenSearch security plugin) with users; "
              + ExposureAdvice.keepOffTheNetwork(endpoint.port()));
    }
    if (reply.status() == 401) {
      return new ServiceFinding(endpoint, service(), Access.AUTH_REQUIRED, ExposureAdvice.REACHABLE_WITH_AUTH, "",
          ExposureAdvice.reachableWithAuth("Elasticsearch/OpenSearch", endpoint), ExposureAdvice.keepOffTheNetwork(endpoint.port()));
    }
    return new ServiceFinding(endpoint, service(), Access.UNRECOGNISED, Severity.INFO, "",
        "port " + endpoint + " answered HTTP but not as Elasticsearch (" + Printable.excerpt(reply.statusLine()) + ")", "");
  }
}
