package dev.breakwater.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.problem.InputProblem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScenarioParserTest {

  @Test
  void readsEveryPartOfAScenario() {
    Scenario scenario = ScenarioParser.parse("s.yaml", """
        name: my-incident
        ufw:
          default-incoming: reject
          allow: [22/tcp, 443/tcp]
        containers:
          - name: db
            ports: ["3306:3306", "127.0.0.1:9000:9000"]
            command: [nc, -ll, -p, "3306", -e, echo, hi]
            labels: {role: database}
          - name: idle
        iptables:
          - [-I, DOCKER-USER, "1", -i, eth0, -j, DROP]
        """);
    assertThat(scenario.name()).isEqualTo("my-incident");
    assertThat(scenario.ufwDefaultIncoming()).isEqualTo("reject");
    assertThat(scenario.ufwAllow()).containsExactly("22/tcp", "443/tcp");
    assertThat(scenario.containers()).hasSize(2);
    Scenario.LabContainer db = scenario.containers().getFirst();
    assertThat(db.ports()).containsExactly("3306:3306", "127.0.0.1:9000:9000");
    assertThat(db.command()).containsExactly("nc", "-ll", "-p", "3306", "-e", "echo", "hi");
    assertThat(db.labels()).isEqualTo(Map.of("role", "database"));
    assertThat(scenario.containers().get(1).command()).containsExactly("sleep", "86400");
    assertThat(scenario.iptables()).containsExactly(List.of("-I", "DOCKER-USER", "1", "-i", "eth0", "-j", "DROP"));
    assertThat(scenario.ip6tables()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      'nmae: x'                                                    | s.yaml:1:1: unknown key 'nmae'
      'ufw:\\n  default-incoming: maybe'                            | s.yaml:2:21: expected deny, reject or allow
      'containers:\\n  - name: a\\n  - name: a'                     | s.yaml:3:11: container name 'a' is used twice
      'containers:\\n  - ports: [\"80:80\"]'                         | s.yaml:2:5: expected 'name' in a container
      'containers:\\n  - name: a\\n    ports: [\"80:80; rm -rf /\"]' | s.yaml:3:13: expected docker -p syntax
      'containers:\\n  - name: \"a b\"'                              | s.yaml:2:11: expected a name
      'containers: {a: 1}'                                          | s.yaml:1:13: expected a list
      'name: [x'                                                    | s.yaml:1:
      ''                                                            | s.yaml:1:1: expected a scenario
      """)
  void badFilesSayWhereAndWhat(String yaml, String expected) {
    assertThatThrownBy(() -> ScenarioParser.parse("s.yaml", yaml.replace("\\n", "\n")))
        .isInstanceOf(InputProblem.class)
        .hasMessageStartingWith(expected.split(": ")[0])
        .hasMessageContaining(expected.contains(": ") ? expected.substring(expected.indexOf(": ") + 2) : "");
  }

  @Test
  void builtInScenariosAreFoundByName() {
    assertThat(Scenario.builtIn()).extracting(Scenario::name)
        .containsExactly("seed-incident", "loopback-bound", "docker-user-fix-v4", "docker-user-fix", "docker-user-allowlist", "port-forms");
    assertThat(Scenario.builtIn("seed-incident")).hasValueSatisfying(s ->
        assertThat(s.containers()).extracting(c -> c.ports().getFirst()).containsExactly("3306:3306", "127.0.0.1:6379:6379", "8080:80"));
    assertThat(Scenario.builtIn("loopback-bound")).hasValueSatisfying(s ->
        assertThat(s.containers()).extracting(c -> c.ports().getFirst()).containsExactly("127.0.0.1:3306:3306", "127.0.0.1:6379:6379", "8080:80"));
    assertThat(Scenario.builtIn("nope")).isEmpty();
  }
}
