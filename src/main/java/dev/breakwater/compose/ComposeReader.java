package dev.breakwater.compose;


import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads one compose file into a {@link ComposeDocument}, keeping the source span of every value
 * it uses. Works on SnakeYAML Engine's node graph, never on constructed Java objects, so plain
 * scalars keep the text the author wrote ({@code 2222:22} stays a port mapping, not 133342).
 */
public final class ComposeReader {
  /**
   * Limits that turn alias bombs and huge inputs into a clear error instead of an outage. Alias
   * count alone does not tell a bomb from a big file that reuses {@code x-defaults} in every
   * service, so the size the document would have with every alias expanded is what is limited.
   */
  static final int MAX_ALIASES = 5_000;
  static final long MAX_EXPANDED_NODES = 1_000_000;
  public static final int MAX_CODE_POINTS = 8 * 1024 * 1024;

  /** YAML 1.1 base-60 integers: what PyYAML-era tools make of {@code 2222:22}. */
  private static final Pattern SEXAGESIMAL = Pattern.compile("[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?");

  private final SourceFile file;
  private final Interpolator env;
  private final Map<MappingNode, List<NodeTuple>> entriesCache = new IdentityHashMap<>();

  private ComposeReader(SourceFile file, Interpolator env) {
    this.file = file;
    this.env = env;
  }

  public static ComposeDocument read(SourceFile file, Interpolator env) {
    return new ComposeReader(file, env).read();
  }

  static LoadSettings settings(String label) {
    return LoadSettings.builder()
        .setLabel(label)
        .setUseMarks(true)
        .setAllowDuplicateKeys(false)
        .setAllowRecursiveKeys(false)
        .setMaxAliasesForCollections(MAX_ALIASES)
        .setCodePointLimit(MAX_CODE_POINTS)
        .build();
  }

  /** The root node, or a {@link BadInputException} that says where and what. */
  public static Optional<Node> compose(SourceFile file) {
    if (file.text().length() > MAX_CODE_POINTS) {
      throw new BadInputException(file.displayPath() + ":1:1: file is larger than the "
          + MAX_CODE_POINTS / (1024 * 1024) + " MiB limit for compose files");
    }
    try {
      Optional<Node> root = new Compose(settings(file.displayPath())).composeString(file.text());
      root.ifPresent(r -> expandedSize(file, r, new IdentityHashMap<>(), Collections.newSetFromMap(new IdentityHashMap<>())));
      return root;
    } catch (MarkedYamlEngineException e) {
      Mark m = e.getProblemMark().or(e::getContextMark).orElse(null);
      String what = (e.getProblem() == null ? "invalid YAML" : e.getProblem());
      if (m == null) {
        throw new BadInputException(file.displayPath() + ":1:1: " + what);
      }
      throw new BadInputException(file.displayPath() + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1)
          + ": " + what.replace('\n', ' '));
    } catch (YamlEngineException e) {
      throw new BadInputException(file.displayPath() + ":1:1: " + oneLine(e.getMessage())
          + (e.getMessage() != null && e.getMessage().contains("aliases")
              ? " (an alias bomb? at most " + MAX_ALIASES + " aliases are accepted)" : ""));
    } catch (StackOverflowError e) {
      throw new BadInputException(file.displayPath() + ":1:1: YAML nested too deeply");
    }
  }

  /**
   * How many nodes the document would have with every alias expanded (memoised per node, so this
   * is linear in the graph). A billion-laughs document is rejected here, and a mapping that
   * contains an alias to itself too: expanding it never ends.
   */
  private static long expandedSize(SourceFile file, Node n, Map<Node, Long> sizes, Set<Node> open) {
    Long known = sizes.get(n);
    if (known != null) {
      return known;
    }
    if (!open.add(n)) {
      throw at(file, n, "a node contains an alias to itself, so expanding it never ends");
    }
    long size = 1;
    if (n instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        size += expandedSize(file, t.getKeyNode(), sizes, open) + expandedSize(file, t.getValueNode(), sizes, open);
        size = Math.min(size, MAX_EXPANDED_NODES + 1);
      }
    } else if (n instanceof SequenceNode seq) {
      for (Node item : seq.getValue()) {
        size += expandedSize(file, item, sizes, open);
        size = Math.min(size, MAX_EXPANDED_NODES + 1);
      }
    }
    if (size > MAX_EXPANDED_NODES) {
      throw at(file, n, "with its aliases expanded this document would have more than "
          + MAX_EXPANDED_NODES + " nodes (an alias bomb?); Compose refuses such files too");
    }
    open.remove(n);
    sizes.put(n, size);
    return size;
  }

  private static BadInputException at(SourceFile file, Node n, String what) {
    String where = n.getStartMark().map(m -> (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse("1:1");
    return new BadInputException(file.displayPath() + ":" + where + ": " + what);
  }

  private static String oneLine(String s) {
    return s == null ? "invalid YAML" : s.replace('\n', ' ');
  }

  private ComposeDocument read() {
    Optional<Node> root = compose(file);
    List<Service> services = new ArrayList<>();
    Map<String, Set<String>> resets = new HashMap<>();
    Map<String, Set<String>> overrides = new HashMap<>();
    Map<String, String> hostBindings = new HashMap<>();
    if (root.isEmpty()) {
      return new ComposeDocument(file, services, resets, overrides, hostBindings);
    }
    MappingNode top = mapping(root.get(), "the top level of a compose file");
    for (NodeTuple t : entries(top)) {
      String key = keyOf(t);
      if (key.equals("services") && !isNull(t.getValueNode())) {
        for (NodeTuple s : entries(mapping(t.getValueNode(), "'services'"))) {
          String name = keyOf(s);
          Set<String> reset = new HashSet<>();
          Set<String> override = new HashSet<>();
          if (isNull(s.getValueNode())) {
            continue;
          }
          services.add(service(name, s, reset, override));
          resets.put(name, reset);
          overrides.put(name, override);
        }
      } else if (key.equals("networks") && !isNull(t.getValueNode())) {
        for (NodeTuple n : entries(mapping(t.getValueNode(), "'networks'"))) {
          if (n.getValueNode() instanceof MappingNode net) {
            get(net, "driver_opts").filter(MappingNode.class::isInstance).map(MappingNode.class::cast)
                .flatMap(opts -> get(opts, "com.docker.network.bridge.host_binding_ipv4"))
                .filter(ScalarNode.class::isInstance)
                .ifPresent(ip -> hostBindings.put(keyOf(n), env.apply(((ScalarNode) ip).getValue())));
          }
        }
      }
    }
    return new ComposeDocument(file, services, resets, overrides, hostBindings);
  }

  private Service service(String name, NodeTuple decl, Set<String> reset, Set<String> override) {
    MappingNode svc = mapping(decl.getValueNode(), "service '" + name + "'");
    for (NodeTuple t : entries(svc)) {
      String tag = t.getValueNode().getTag().getValue();
      if (tag.equals("!reset")) {
        reset.add(keyOf(t));
      } else if (tag.equals("!override")) {
        override.add(keyOf(t));
      }
    }
    Scalar anchor = scalarSpan(decl.getKeyNode(), name);
    Optional<Scalar> image = get(svc, "image").flatMap(this::scalar);
    List<PortEntry> ports = new ArrayList<>();
    get(svc, "ports").filter(SequenceNode.class::isInstance).ifPresent(seq -> {
      for (Node item : ((SequenceNode) seq).getValue()) {
        ports.add(port(item));
      }
    });
    get(svc, "ports").filter(n -> !(n instanceof SequenceNode) && !isNull(n)).ifPresent(n -> {
      throw at(n, "'ports' of service '" + name + "' must be a list");
    });
    List<Scalar> expose = scalars(get(svc, "expose"));
    Optional<Scalar> networkMode = get(svc, "network_mode").flatMap(this::scalar);
    Map<String, Scalar> environment = environment(get(svc, "environment"));
    List<Scalar> command = new ArrayList<>(scalars(get(svc, "entrypoint")));
    command.addAll(scalars(get(svc, "command")));
    List<Scalar> volumes = new ArrayList<>();
    get(svc, "volumes").filter(SequenceNode.class::isInstance).ifPresent(seq -> {
      for (Node item : ((SequenceNode) seq).getValue()) {
        if (item instanceof MappingNode m) {
          get(m, "source").flatMap(this::scalar).ifPresent(volumes::add);
        } else {
          scalar(item).ifPresent(volumes::add);
        }
      }
    });
    Optional<Scalar> privileged = get(svc, "privileged").flatMap(this::scalar);
    List<String> networks = new ArrayList<>();
    get(svc, "networks").ifPresent(n -> {
      if (n instanceof SequenceNode seq) {
        seq.getValue().forEach(i -> scalar(i).ifPresent(s -> networks.add(s.value())));
      } else if (n instanceof MappingNode m) {
        entries(m).forEach(e -> networks.add(keyOf(e)));
      }
    });
    return new Service(name, anchor, image, ports, expose, networkMode, environment, command,
        volumes, privileged, Optional.empty(), networks, Optional.empty(), List.of());
  }

  private PortEntry port(Node item) {
    if (item instanceof ScalarNode s) {
      String value = env.apply(s.getValue());
      PortMapping mapping;
      try {
        mapping = ShortPortSyntax.parse(value);
      } catch (PortSyntaxException e) {
        throw at(item, e.getMessage());
      }
      int start = start(item);
      int end = end(item);
      boolean quoted = s.getScalarStyle() == ScalarStyle.DOUBLE_QUOTED
          || s.getScalarStyle() == ScalarStyle.SINGLE_QUOTED;
      FixSite site;
      if (s.getScalarStyle() == ScalarStyle.PLAIN || quoted) {
        int contentStart = quoted ? start + 1 : start;
        int contentEnd = quoted ? end - 1 : end;
        site = new FixSite.Prefix(contentStart, file.text().substring(contentStart, Math.max(contentStart, contentEnd)), value,
            quoted ? -1 : end, false);
      } else {
        site = new FixSite.None("block scalar");
      }
      boolean yaml11 = s.getScalarStyle() == ScalarStyle.PLAIN && SEXAGESIMAL.matcher(s.getValue()).matches();
      return new PortEntry(mapping, PortSyntax.COMPOSE_SHORT, file, start, end, site, yaml11);
    }
    if (item instanceof MappingNode m) {
      return longPort(m);
    }
    throw at(item, "a 'ports' item must be a string like \"127.0.0.1:8080:80\" or a mapping with 'target'");
  }

  private PortEntry longPort(MappingNode m) {
    Node targetNode = get(m, "target").orElseThrow(() -> at(m, "long-syntax port without 'target'"));
    String spec = "target: " + text(targetNode);
    try {
      var target = ShortPortSyntax.range(env.apply(text(targetNode)).trim(), "container port", spec, 1);
      Optional<dev.breakwater.net.PortRange> published = Optional.empty();
      Optional<Node> publishedNode = get(m, "published").filter(n -> !isNull(n));
      if (publishedNode.isPresent()) {
        String p = env.apply(text(publishedNode.get())).trim();
        if (!p.isEmpty()) {
          published = Optional.of(ShortPortSyntax.range(p, "published port", "published: " + p, 0));
        }
      }
      Optional<Node> hostIpNode = get(m, "host_ip").filter(n -> !isNull(n));
      Optional<String> hostIp = hostIpNode.map(n -> env.apply(text(n)).trim());
      if (hostIp.isPresent() && !hostIp.get().isEmpty()) {
        String ip = hostIp.get();
        ShortPortSyntax.checkAddress(ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip, "host_ip: " + ip);
      }
      dev.breakwater.net.Transport protocol = dev.breakwater.net.Transport.TCP;
      Optional<Node> protoNode = get(m, "protocol").filter(n -> !isNull(n));
      if (protoNode.isPresent()) {
        String p = env.apply(text(protoNode.get()));
        protocol = dev.breakwater.net.Transport.tryParse(p)
            .orElseThrow(() -> at(protoNode.get(), "unknown protocol '" + p + "': expected tcp, udp or sctp"));
      }
      FixSite site = longFixSite(m, hostIpNode);
      // The entry ends with its last value: a block mapping's own end mark is on the next line.
      int end = end(m.getValue().get(m.getValue().size() - 1).getValueNode());
      if (m.getFlowStyle() == FlowStyle.FLOW) {
        end = end(m);
      }
      return new PortEntry(new PortMapping(hostIp, published, target, protocol), PortSyntax.COMPOSE_LONG,
          file, start(m), end, site, false);
    } catch (PortSyntaxException e) {
      throw at(m, e.getMessage());
    }
  }

  private FixSite longFixSite(MappingNode m, Optional<Node> hostIpNode) {
    if (hostIpNode.isPresent()) {
      Node n = hostIpNode.get();
      if (n instanceof ScalarNode s && s.getValue().isEmpty()) {
        boolean quoted = s.getScalarStyle() != ScalarStyle.PLAIN;
        return quoted ? new FixSite.ReplaceValue(start(n) + 1, end(n) - 1, true)
            : new FixSite.ReplaceValue(start(n), end(n), false);
      }
      return new FixSite.None("host_ip is set");
    }
    List<NodeTuple> tuples = m.getValue();
    if (tuples.isEmpty()) {
      return new FixSite.None("empty mapping");
    }
    Node lastValue = tuples.get(tuples.size() - 1).getValueNode();
    if (m.getFlowStyle() == FlowStyle.FLOW) {
      return new FixSite.AddKey(end(lastValue), ", ", "");
    }
    if (!(lastValue instanceof ScalarNode)) {
      return new FixSite.None("last key holds a collection");
    }
    // A new line after the last key's line, indented like the first key.
    int keyStart = start(tuples.get(0).getKeyNode());
    String indent = " ".repeat(keyStart - file.lineStart(file.line(keyStart)));
    int lineEnd = file.text().indexOf('\n', end(lastValue));
    if (lineEnd < 0) {
      return new FixSite.AddKey(file.text().length(), "\n" + indent, "");
    }
    String newline = lineEnd > 0 && file.text().charAt(lineEnd - 1) == '\r' ? "\r\n" : "\n";
    return new FixSite.AddKey(lineEnd + 1, indent, newline);
  }

  private Map<String, Scalar> environment(Optional<Node> node) {
    Map<String, Scalar> out = new LinkedHashMap<>();
    if (node.isEmpty()) {
      return out;
    }
    if (node.get() instanceof MappingNode m) {
      for (NodeTuple t : entries(m)) {
        Node v = t.getValueNode();
        Scalar s = v instanceof ScalarNode sv
            ? new Scalar(env.apply(sv.getValue()), file, start(v), end(v))
            : new Scalar("", file, start(t.getKeyNode()), end(t.getKeyNode()));
        out.put(keyOf(t), s);
      }
    } else if (node.get() instanceof SequenceNode seq) {
      for (Node item : seq.getValue()) {
        scalar(item).ifPresent(s -> {
          int eq = s.value().indexOf('=');
          String key = eq < 0 ? s.value() : s.value().substring(0, eq);
          String value = eq < 0 ? "" : s.value().substring(eq + 1);
          out.put(key.trim(), new Scalar(value, file, s.start(), s.end()));
        });
      }
    }
    return out;
  }

  private List<Scalar> scalars(Optional<Node> node) {
    List<Scalar> out = new ArrayList<>();
    if (node.isEmpty()) {
      return out;
    }
    if (node.get() instanceof SequenceNode seq) {
      for (Node item : seq.getValue()) {
        scalar(item).ifPresent(out::add);
      }
    } else {
      scalar(node.get()).ifPresent(out::add);
    }
    return out;
  }

  private Optional<Scalar> scalar(Node n) {
    if (n instanceof ScalarNode s && !isNull(n)) {
      return Optional.of(new Scalar(env.apply(s.getValue()), file, start(n), end(n)));
    }
    return Optional.empty();
  }

  private Scalar scalarSpan(Node n, String value) {
    return new Scalar(value, file, start(n), end(n));
  }

  // ---- node helpers ----

  private MappingNode mapping(Node n, String what) {
    if (n instanceof MappingNode m) {
      return m;
    }
    throw at(n, what + " must be a mapping");
  }

  /**
   * The tuples of a mapping with YAML merge keys ({@code <<: *defaults}) expanded, own keys first.
   * Memoised per node: merges of merges would otherwise cost exponential time.
   */
  private List<NodeTuple> entries(MappingNode m) {
    List<NodeTuple> cached = entriesCache.get(m);
    if (cached == null) {
      cached = Collections.unmodifiableList(expandMerges(m));
      entriesCache.put(m, cached);
    }
    return cached;
  }

  private List<NodeTuple> expandMerges(MappingNode m) {
    List<NodeTuple> own = new ArrayList<>();
    List<NodeTuple> merged = new ArrayList<>();
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("<<") && k.getScalarStyle() == ScalarStyle.PLAIN) {
        Node v = t.getValueNode();
        if (v instanceof MappingNode mm) {
          merged.addAll(entries(mm));
        } else if (v instanceof SequenceNode seq) {
          for (Node item : seq.getValue()) {
            if (item instanceof MappingNode mm) {
              merged.addAll(entries(mm));
            }
          }
        }
      } else {
        own.add(t);
      }
    }
    Map<String, Node> keys = new HashMap<>();
    for (NodeTuple t : own) {
      Node previous = keys.putIfAbsent(keyOf(t), t.getKeyNode());
      if (previous != null) {
        throw at(t.getKeyNode(), "duplicate key '" + keyOf(t) + "' (first on line "
            + file.line(start(previous)) + ")");
      }
    }
    if (merged.isEmpty()) {
      return own;
    }
    for (NodeTuple t : merged) {
      if (keys.putIfAbsent(keyOf(t), t.getKeyNode()) == null) {
        own.add(t);
      }
    }
    return own;
  }

  private Optional<Node> get(MappingNode m, String key) {
    for (NodeTuple t : entries(m)) {
      if (keyOf(t).equals(key)) {
        return Optional.of(t.getValueNode());
      }
    }
    return Optional.empty();
  }

  private String keyOf(NodeTuple t) {
    if (t.getKeyNode() instanceof ScalarNode k) {
      return k.getValue();
    }
    throw at(t.getKeyNode(), "expected a plain key");
  }

  private String text(Node n) {
    if (n instanceof ScalarNode s) {
      return s.getValue();
    }
    throw at(n, "expected a single value");
  }

  private static boolean isNull(Node n) {
    return n instanceof ScalarNode s && s.getScalarStyle() == ScalarStyle.PLAIN
        && (s.getValue().isEmpty() || s.getValue().equals("~") || s.getValue().equals("null"));
  }

  private int start(Node n) {
    return n.getStartMark().map(mk -> file.charIndex(mk.getIndex())).orElse(0);
  }

  private int end(Node n) {
    return n.getEndMark().map(mk -> file.charIndex(mk.getIndex())).orElse(start(n));
  }

  private BadInputException at(Node n, String what) {
    return BadInputException.at(file, start(n), what);
  }
}
