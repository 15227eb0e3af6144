package dev.breakwater.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import dev.breakwater.input.NestingLimit;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a lab scenario file:
 *
 * <pre>
 * name: my-incident
 * ufw:
 *   default-incoming: deny        # deny | reject | allow
 *   allow: [22/tcp]
 * containers:
 *   - name: db
 *     ports: ["3306:3306"]        # docker -p syntax
 *     command: [nc, -ll, -p, "3306", -e, echo, hello]
 *     labels: {role: database}
 * iptables:                       # optional, applied after the containers started
 *   - [-I, DOCKER-USER, "1", -i, eth0, -j, DROP]
 * </pre>
 *
 * Works on the node tree so every error can point at its line and column.
 */
public final class ScenarioParser {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
  // Docker's -p grammar is Docker's to check; this only keeps odd characters away from the command.
  private static final Pattern PORTS = Pattern.compile("[0-9A-Fa-f.:\\[\\]\\-/a-z]{1,80}");
  private static final Set<String> POLICIES = Set.of("deny", "reject", "allow");

  private final String file;

  private ScenarioParser(String file) {
    this.file = file;
  }

  /** Parses {@code text}; {@code file} names it in error messages. */
  public static Scenario parse(String file, String text) {
    return new ScenarioParser(file).parse(text);
  }

  private Scenario parse(String text) {
    Optional<Node> root;
    try {
      LoadSettings settings = LoadSettings.builder().setLabel(file).build();
      root = NestingLimit.composeYaml(text, settings, file);
    } catch (MarkedYamlEngineException e) {
      Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
      throw new ScenarioException(position(mark) + ": not valid YAML: " + e.getProblem());
    } catch (YamlEngineException e) {
      throw new ScenarioException(file + ": not valid YAML: " + e.getMessage());
    }
    if (root.isEmpty()) {
      throw new ScenarioException(file + ":1:1: expected a scenario (name, ufw, containers), found an empty file");
    }
    Map<String, Node> top = mapping(root.get(), Set.of("name", "ufw", "containers", "iptables", "ip6tables"));
    String name = top.containsKey("name") ? name(top.get("name")) : "custom";
    String policy = "deny";
    List<String> allow = List.of();
    if (top.containsKey("ufw")) {
      Map<String, Node> ufw = mapping(top.get("ufw"), Set.of("default-incoming", "allow"));
      if (ufw.containsKey("default-incoming")) {
        policy = scalar(ufw.get("default-incoming"));
        if (!POLICIES.contains(policy)) {
          throw error(ufw.get("default-incoming"), "expected deny, reject or allow, found '" + policy + "'");
        }
      }
      if (ufw.containsKey("allow")) {
        allow = strings(ufw.get("allow"), Pattern.compile("[0-9a-zA-Z/:.,-]{1,64}"), "a ufw rule such as 22/tcp");
      }
    }
    List<Scenario.LabContainer> containers = new ArrayList<>();
    if (top.containsKey("containers")) {
      for (Node node : sequence(top.get("containers"))) {
        containers.add(container(node, containers));
      }
    }
    return new Scenario(name, policy, allow, containers, ruleLists(top.get("iptables")), ruleLists(top.get("ip6tables")));
  }

  private Scenario.LabContainer container(Node node, List<Scenario.LabContainer> before) {
    Map<String, Node> fields = mapping(node, Set.of("name", "ports", "command", "labels"));
    if (!fields.containsKey("name")) {
      throw error(node, "expected 'name' in a container");
    }
    String name = name(fields.get("name"));
    if (before.stream().anyMatch(c -> c.name().equals(name))) {
      throw error(fields.get("name"), "container name '" + name + "' is used twice");
    }
    List<String> ports = fields.containsKey("ports")
        ? strings(fields.get("ports"), PORTS, "docker -p syntax such as \"127.0.0.1:6379:6379\"")
        : List.of();
    List<String> command = fields.containsKey("command") ? strings(fields.get("command"), null, "") : List.of("sleep", "86400");
    if (command.isEmpty()) {
      throw error(fields.get("command"), "expected a command such as [httpd, -f, -p, \"80\"]");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (fields.containsKey("labels")) {
      for (var entry : mapping(fields.get("labels"), null).entrySet()) {
        labels.put(entry.getKey(), scalar(entry.getValue()));
      }
    }
    return new Scenario.LabContainer(name, ports, command, labels);
  }

  private List<List<String>> ruleLists(Node node) {
    if (node == null) {
      return List.of();
    }
    List<List<String>> rules = new ArrayList<>();
    for (Node rule : sequence(node)) {
      List<String> args = strings(rule, null, "");
      if (args.isEmpty()) {
        throw error(rule, "expected iptables arguments such as [-I, DOCKER-USER, \"1\", -j, RETURN]");
      }
      rules.add(args);
    }
    return rules;
  }

  private Map<String, Node> mapping(Node node, Set<String> allowedKeys) {
    if (!(node instanceof MappingNode map)) {
      throw error(node, "expected a mapping (key: value)");
    }
    Map<String, Node> result = new LinkedHashMap<>();
    for (NodeTuple tuple : map.getValue()) {
      String key = scalar(tuple.getKeyNode());
      if (allowedKeys != null && !allowedKeys.contains(key)) {
        throw error(tuple.getKeyNode(), "unknown key '" + key + "', expected one of " + String.join(", ", allowedKeys.stream().sorted().toList()));
      }
      if (result.put(key, tuple.getValueNode()) != null) {
        throw error(tuple.getKeyNode(), "key '" + key + "' appears twice");
      }
    }
    return result;
  }

  private List<Node> sequence(Node node) {
    if (!(node instanceof SequenceNode list)) {
      throw error(node, "expected a list");
    }
    return list.getValue();
  }

  private List<String> strings(Node node, Pattern allowed, String expected) {
    List<String> values = new ArrayList<>();
    for (Node item : sequence(node)) {
      String value = scalar(item);
      if (allowed != null && !allowed.matcher(value).matches()) {
        throw error(item, "expected " + expected + ", found '" + value + "'");
      }
      if (value.indexOf('\0') >= 0) {
        throw error(item, "NUL characters are not allowed");
      }
      values.add(value);
    }
    return values;
  }

  private String name(Node node) {
    String value = scalar(node);
    if (!NAME.matcher(value).matches()) {
      throw error(node, "expected a name of letters, digits, '.', '_' or '-', found '" + value + "'");
    }
    return value;
  }

  private String scalar(Node node) {
    if (!(node instanceof ScalarNode scalar)) {
      throw error(node, "expected a single value");
    }
    return scalar.getValue();
  }

  private ScenarioException error(Node node, String message) {
    return new ScenarioException(position(node.getStartMark().orElse(null)) + ": " + message);
  }

  private String position(Mark mark) {
    return mark == null ? file : file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
  }
}
