package dev.breakwater.policy;

import dev.breakwater.net.PortAndProtocol;
import dev.breakwater.net.Transport;
import dev.breakwater.input.BoundedText;
import dev.breakwater.input.NestingLimit;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * Reads a policy file (YAML, see docs/policy.md). Works on SnakeYAML Engine's node tree, not on
 * plain maps, so every error can point at the line and column of the value that is wrong.
 */
public final class PolicyFile {
  private static final Set<String> TOP_KEYS = Set.of("version", "interfaces", "default", "action", "labels", "allow", "ipset-threshold",
      "expect-open");
  private static final Set<String> LABEL_KEYS = Set.of("accept-from-projects", "within", "allow-any-label");
  private static final Set<String> ENTRY_KEYS = Set.of("port", "protocol", "container", "service", "project", "label", "from");

  /** 20,000 sources take about 600 KiB; 8 MiB is far beyond any policy a person maintains. */
  static final BoundedText.Limits FILE_LIMITS = BoundedText.Limits.mib(8, "a policy file is YAML, see docs/policy.md");

  private final String file;

  private PolicyFile(String file) {
    this.file = file;
  }

  public static Policy read(Path path) {
    return load(path).policy();
  }

  /** A policy file as parsed and the text it was parsed from, read once (the journal keeps that text). */
  public record Loaded(Policy policy, String text) {}

  /** Reads {@code path} once, bounded, and parses it: what a change records is what was applied. */
  public static Loaded load(Path path) {
    String text = text(path);
    return new Loaded(parse(text, path.toString()), text);
  }

  /** The text of a policy file, bounded as every policy read is; not parsed. */
  public static String text(Path path) {
    try {
      return BoundedText.read(path, FILE_LIMITS);
    } catch (NoSuchFileException e) {
      throw new PolicyException(path + ": cannot read the policy file (no such file)");
    }
  }

  public static Policy parse(String text, String file) {
    return new PolicyFile(file).parseDocument(text);
  }

  private Policy parseDocument(String text) {
    Optional<Node> root;
    try {
      LoadSettings settings = LoadSettings.builder().setLabel(file).setAllowDuplicateKeys(false)
          .setCodePointLimit((int) FILE_LIMITS.maxBytes()).build();
      root = NestingLimit.composeYaml(text, settings, file);
    } catch (MarkedYamlEngineException e) {
      Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
      String problem = e.getProblem() == null ? "valid YAML" : "valid YAML (" + e.getProblem().trim() + ")";
      if (mark == null) {
        throw new PolicyException(file + ": expected " + problem);
      }
      throw PolicyException.at(file, mark.getLine() + 1, mark.getColumn() + 1, "expected " + problem);
    } catch (YamlEngineException e) {
      throw new PolicyException(file + ": expected valid YAML (" + e.getMessage() + ")");
    }
    if (root.isEmpty()) {
      throw PolicyException.at(file, 1, 1, "expected a policy (a mapping with 'allow:', 'default:' ...), got an empty file");
    }
    MappingNode top = mapping(root.get(), "a mapping with keys " + sorted(TOP_KEYS));
    Map<String, Node> keys = keys(top, TOP_KEYS);

    if (keys.containsKey("version")) {
      String version = scalar(keys.get("version"), "version 1");
      if (!version.equals("1")) {
        throw error(keys.get("version"), "expected version 1, got '" + version + "'");
      }
    }
    List<String> interfaces = new ArrayList<>();
    if (keys.containsKey("interfaces")) {
      for (Node item : scalarOrList(keys.get("interfaces"), "an interface name or a list of them")) {
        String name = scalar(item, "an interface name");
        if (!InterfaceNames.isValid(name)) {
          throw error(item, "expected an interface name (1-15 of A-Z a-z 0-9 _ . : @ -), got '" + name + "'");
        }
        interfaces.add(name);
      }
    }
    Policy.Default verdict = Policy.Default.DENY;
    if (keys.containsKey("default")) {
      verdict = switch (scalar(keys.get("default"), "deny or allow").toLowerCase(Locale.ROOT)) {
        case "deny" -> Policy.Default.DENY;
        case "allow" -> Policy.Default.ALLOW;
        default -> throw error(keys.get("default"), "expected 'deny' or 'allow'");
      };
    }
    Policy.DenyAction action = Policy.DenyAction.DROP;
    if (keys.containsKey("action")) {
      action = switch (scalar(keys.get("action"), "drop or reject").toLowerCase(Locale.ROOT)) {
        case "drop" -> Policy.DenyAction.DROP;
        case "reject" -> Policy.DenyAction.REJECT;
        default -> throw error(keys.get("action"), "expected 'drop' or 'reject'");
      };
    }
    LabelTrust labels = keys.containsKey("labels") ? labelTrust(keys.get("labels")) : LabelTrust.NONE;
    List<AllowRule> allows = new ArrayList<>();
    if (keys.containsKey("allow")) {
      Node allowNode = keys.get("allow");
      if (!(allowNode instanceof ScalarNode s && s.getValue().isEmpty())) {
        SequenceNode list = sequence(allowNode, "a list of allow entries ('- port: 443' ...)");
        for (Node entry : list.getValue()) {
          allows.add(allowEntry(entry));
        }
      }
    }
    int threshold = Policy.DEFAULT_IPSET_THRESHOLD;
    if (keys.containsKey("ipset-threshold")) {
      String thresholdText = scalar(keys.get("ipset-threshold"), "a number of sources");
      try {
        threshold = Integer.parseInt(thresholdText);
      } catch (NumberFormatException e) {
        threshold = -1;
      }
      if (threshold < 1 || threshold > 1_000_000) {
        throw error(keys.get("ipset-threshold"), "expected a number of sources from 1 to 1000000, got '" + thresholdText + "'");
      }
    }
    Optional<List<PortAndProtocol>> expectOpen = Optional.empty();
    if (keys.containsKey("expect-open")) {
      List<PortAndProtocol> ports = new ArrayList<>();
      for (Node item : scalarOrList(keys.get("expect-open"), "a port (22/tcp, 443) or a list of them")) {
        try {
          ports.addAll(PortAndProtocol.parse(scalar(item, "a port (22/tcp, 443)")));
        } catch (IllegalArgumentException e) {
          throw error(item, e.getMessage());
        }
      }
      expectOpen = Optional.of(ports);
    }
    return new Policy(interfaces, verdict, action, labels, allows, threshold, expectOpen, file);
  }

  /**
   * {@code labels: false} (the default), {@code labels: true}, or a mapping that says which labels
   * are accepted: {@code {accept-from-projects: [web], within: [10.0.0.0/8], allow-any-label: false}}.
   */
  private LabelTrust labelTrust(Node node) {
    if (node instanceof ScalarNode) {
      return bool(node, "true, false or a mapping with " + sorted(LABEL_KEYS)) ? LabelTrust.ACCEPTED : LabelTrust.NONE;
    }
    Map<String, Node> keys = keys(mapping(node, "true, false or a mapping with " + sorted(LABEL_KEYS)), LABEL_KEYS);
    List<String> projects = new ArrayList<>();
    if (keys.containsKey("accept-from-projects")) {
      for (Node item : scalarOrList(keys.get("accept-from-projects"), "a Compose project name or a list of them")) {
        projects.add(nonEmpty(item, "a Compose project name"));
      }
    }
    List<inet.ipaddr.IPAddress> within = new ArrayList<>();
    if (keys.containsKey("within")) {
      for (Node item : scalarOrList(keys.get("within"), "a CIDR or a list of them")) {
        SourcePrefixes.Result one = SourcePrefixes.parse(scalar(item, "a CIDR"));
        if (one.sources().isEmpty()) {
          throw error(item, one.problem());
        }
        if (one.sources().get().any()) {
          throw error(item, "expected a CIDR (203.0.113.0/24, 2001:db8::/32), got 'any': 'within' limits what labels may allow"
              + " (leave it out for no limit; 'allow-any-label: true' lets a label say any)");
        }
        within.addAll(one.sources().get().prefixes());
      }
      if (within.isEmpty()) {
        throw error(keys.get("within"), "expected at least one CIDR in 'within:'");
      }
    }
    boolean allowAny = keys.containsKey("allow-any-label") && bool(keys.get("allow-any-label"), "true or false");
    return new LabelTrust(true, projects, within, allowAny);
  }

  private boolean bool(Node node, String expected) {
    return switch (scalar(node, expected).toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw error(node, "expected " + expected);
    };
  }

  private AllowRule allowEntry(Node node) {
    MappingNode map = mapping(node, "an allow entry (a mapping with 'port', 'container', 'service' or 'label', and 'from')");
    Map<String, Node> keys = keys(map, ENTRY_KEYS);
    Optional<Integer> port = Optional.empty();
    Optional<Transport> protocol = Optional.empty();
    if (keys.containsKey("port")) {
      String text = scalar(keys.get("port"), "a port (443 or 443/tcp)");
      String number = text;
      int slash = text.indexOf('/');
      if (slash >= 0) {
        number = text.substring(0, slash);
        protocol = Optional.of(transport(keys.get("port"), text.substring(slash + 1)));
      }
      port = Optional.of(port(keys.get("port"), number));
    }
    if (keys.containsKey("protocol")) {
      Transport p = transport(keys.get("protocol"), scalar(keys.get("protocol"), "tcp, udp or sctp"));
      if (protocol.isPresent() && protocol.get() != p) {
        throw error(keys.get("protocol"), "expected the same protocol as 'port' (" + protocol.get() + "), got '" + p + "'");
      }
      protocol = Optional.of(p);
    }
    List<String> selectorKeys = keys.keySet().stream().filter(k -> Set.of("container", "service", "label").contains(k)).toList();
    if (selectorKeys.size() > 1) {
      throw error(keys.get(selectorKeys.get(1)), "expected only one of 'container', 'service' or 'label' in one entry");
    }
    if (keys.containsKey("project") && !keys.containsKey("service")) {
      throw error(keys.get("project"), "expected 'project' only together with 'service'");
    }
    Selector selector;
    if (keys.containsKey("container")) {
      selector = new Selector.ContainerName(nonEmpty(keys.get("container"), "a container name"));
    } else if (keys.containsKey("service")) {
      Optional<String> project = keys.containsKey("project")
          ? Optional.of(nonEmpty(keys.get("project"), "a compose project name")) : Optional.empty();
      selector = new Selector.ComposeService(nonEmpty(keys.get("service"), "a compose service name"), project);
    } else if (keys.containsKey("label")) {
      String label = nonEmpty(keys.get("label"), "a container label (KEY or KEY=VALUE)");
      int eq = label.indexOf('=');
      selector = eq < 0
          ? new Selector.Label(label, Optional.empty())
          : new Selector.Label(label.substring(0, eq), Optional.of(label.substring(eq + 1)));
    } else if (port.isPresent()) {
      selector = new Selector.AnyContainer();
    } else {
      throw error(node, "expected 'port', 'container', 'service' or 'label' in an allow entry");
    }
    if (!keys.containsKey("from")) {
      throw error(node, "expected 'from:' (CIDRs or 'any') in an allow entry");
    }
    List<Sources> each = new ArrayList<>();
    for (Node item : scalarOrList(keys.get("from"), "a CIDR, 'any', or a list of them")) {
      SourcePrefixes.Result one = SourcePrefixes.parse(scalar(item, "a CIDR or 'any'"));
      if (one.sources().isEmpty()) {
        throw error(item, one.problem());
      }
      each.add(one.sources().get());
    }
    Sources sources = Sources.union(each);
    if (!sources.any() && sources.prefixes().isEmpty()) {
      throw error(keys.get("from"), "expected at least one source in 'from:' (a CIDR or 'any')");
    }
    return new AllowRule(selector, port, protocol, sources, where(node));
  }

  private int port(Node node, String text) {
    try {
      int p = Integer.parseInt(text.trim());
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw error(node, "expected a port number 1-65535 (optionally /tcp, /udp, /sctp), got '" + text + "'");
  }

  private Transport transport(Node node, String text) {
    return Transport.tryParse(text).orElseThrow(() -> error(node, "expected tcp, udp or sctp, got '" + text + "'"));
  }

  private Map<String, Node> keys(MappingNode map, Set<String> allowed) {
    Map<String, Node> keys = new LinkedHashMap<>();
    for (NodeTuple tuple : map.getValue()) {
      String key = scalar(tuple.getKeyNode(), "a key");
      if (!allowed.contains(key)) {
        throw error(tuple.getKeyNode(), "expected one of " + sorted(allowed) + ", got '" + key + "'");
      }
      if (keys.containsKey(key)) {
        throw error(tuple.getKeyNode(), "expected each key once, got '" + key + "' again");
      }
      keys.put(key, tuple.getValueNode());
    }
    return keys;
  }

  private List<Node> scalarOrList(Node node, String expected) {
    if (node instanceof SequenceNode seq) {
      return seq.getValue();
    }
    if (node instanceof ScalarNode) {
      return List.of(node);
    }
    throw error(node, "expected " + expected);
  }

  private MappingNode mapping(Node node, String expected) {
    if (node instanceof MappingNode map) {
      return map;
    }
    throw error(node, "expected " + expected);
  }

  private SequenceNode sequence(Node node, String expected) {
    if (node instanceof SequenceNode seq) {
      return seq;
    }
    throw error(node, "expected " + expected);
  }

  private String scalar(Node node, String expected) {
    if (node instanceof ScalarNode s) {
      return s.getValue().trim();
    }
    throw error(node, "expected " + expected);
  }

  private String nonEmpty(Node node, String expected) {
    String value = scalar(node, expected);
    if (value.isEmpty()) {
      throw error(node, "expected " + expected + ", got nothing");
    }
    return value;
  }

  private PolicyException error(Node node, String expected) {
    Optional<Mark> mark = node.getStartMark();
    return mark.map(m -> PolicyException.at(file, m.getLine() + 1, m.getColumn() + 1, expected))
        .orElseGet(() -> new PolicyException(file + ": " + expected));
  }

  private String where(Node node) {
    return node.getStartMark().map(m -> file + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse(file);
  }

  private static String sorted(Set<String> keys) {
    return String.join(", ", keys.stream().sorted().toList());
  }
}
