package dev.breakwater.lint;

import dev.breakwater.compose.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * lint's SARIF validated against the SARIF 2.1.0 JSON schema itself (vendored in
 * src/test/resources/sarif, see its README), on findings of every rule, suppressed findings,
 * scripts and an empty run. A deliberately broken log must fail, so the check is not vacuous.
 */
class SarifSchemaTest {
  private static final JsonSchema SCHEMA = load();

  private static JsonSchema load() {
    try (InputStream in = SarifSchemaTest.class.getResourceAsStream("/sarif/sarif-2.1.0-rtm.5.json")) {
      assertThat(in).as("vendored SARIF schema on the test class path").isNotNull();
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<ValidationMessage> validate(String sarif) {
    return SCHEMA.validate(sarif, InputFormat.JSON);
  }

  @Test
  void everyRuleAndASuppressionValidate() {
    List<LintFinding> findings = new java.util.ArrayList<>(Fixtures.lint("compose.yaml", """
        services:
          db:
            image: postgres
            environment:
              POSTGRES_PASSWORD: postgres
              POSTGRES_HOST_AUTH_METHOD: trust
            ports: ["5432:5432", 2222:22]
            privileged: true
            volumes: ["/var/run/docker.sock:/var/run/docker.sock"]
          cache:
            image: redis
            network_mode: host
          web:
            image: acme/web
            ports: ["8080:80"]  # breakwater:ignore BW001 public site
          proxy:
            image: caddy:2-alpine
            ports: ["443:443", "0.0.0.0:53:53/udp"]
        """));
    findings.addAll(Fixtures.lint("deploy.sh", """
        docker run -P -p 8081:80 acme/web
        docker run -p "${BIND:?}:8082:80" -p 80:80:tcp acme/web
        """));
    findings.addAll(Fixtures.lint("daemon.json", "{\"hosts\": [\"tcp://0.0.0.0:2375\"], \"iptables\": false}"));
    findings.addAll(Fixtures.lint("default/ufw", "DEFAULT_FORWARD_POLICY=ACCEPT\n"));
    findings.addAll(Linter.lintText(java.nio.file.Path.of("jail.local"), "[web]\nenabled = true\nport = 443\n",
        LintConfig.empty(), "services:\n  proxy:\n    image: caddy\n    ports: [\"443:443\"]\n"));
    findings.addAll(Linter.lintText(java.nio.file.Path.of("jail.d/dns.local"), "[dns]\nenabled = true\nport = 53\n",
        LintConfig.empty(), "services:\n  dns:\n    image: coredns/coredns\n    ports: [\"53:53/udp\"]\n"));
    findings.addAll(Fixtures.lint("sysctl.conf", "net.ipv4.conf.all.route_localnet = 1\n"));
    Set<String> rules = new java.util.TreeSet<>();
    findings.forEach(f -> rules.add(f.rule().id()));
    assertThat(rules).as("the fixture exercises every rule").hasSize(Rules.metas().size());
    assertThat(findings).anyMatch(LintFinding::suppressed);

    assertThat(validate(dev.breakwater.cli.Json.write(SarifLog.document(findings, "0.1.0")))).isEmpty();
  }

  @Test
  void anEmptyRunValidates() {
    assertThat(validate(dev.breakwater.cli.Json.write(SarifLog.document(List.of(), "0.1.0")))).isEmpty();
  }

  @Test
  void aBrokenLogIsRejected() {
    String good = dev.breakwater.cli.Json.write(SarifLog.document(Fixtures.lint("compose.yaml",
        "services:\n  web:\n    image: acme/web\n    ports: [\"8080:80\"]\n"), "0.1.0"));
    assertThat(validate(good)).isEmpty();
    assertThat(validate(broken(good, root -> root.put("version", "2.0.0")))).isNotEmpty();
    assertThat(validate(broken(good, root -> result(root).put("level", "critical")))).isNotEmpty();
    assertThat(validate(broken(good, root -> ((ObjectNode) result(root).get("locations").get(0)
        .get("physicalLocation").get("region")).put("startLine", 0)))).isNotEmpty();
    assertThat(validate(broken(good, root -> result(root).remove("message")))).isNotEmpty();
  }

  private static ObjectNode result(ObjectNode root) {
    return (ObjectNode) root.get("runs").get(0).get("results").get(0);
  }

  private static String broken(String sarif, Consumer<ObjectNode> breakIt) {
    JsonMapper json = JsonMapper.builder().build();
    ObjectNode root = (ObjectNode) json.readTree(sarif);
    breakIt.accept(root);
    return json.writeValueAsString(root);
  }
}
