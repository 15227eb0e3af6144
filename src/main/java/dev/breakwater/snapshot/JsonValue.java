package dev.breakwater.snapshot;

import dev.breakwater.net.AddressInput;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import tools.jackson.databind.JsonNode;

/**
 * A value inside a {@link JsonDocument} with the path that leads to it, so that a reader can
 * reject a value of the wrong type at its line and column. Absent and {@code null} read as
 * "not given": Docker and iproute2 write both for the same meaning.
 *
 * <p>The path is kept as a link to the parent value and one segment, and spelled out only when
 * an error is reported: a 2 MB {@code nft -j list ruleset} has hundreds of thousands of values,
 * and a path list copied for each was a large part of its reading time.
 */
final class JsonValue {
  private final JsonDocument document;
  private final int root;
  /** The value this one is a member or element of; null at a root. */
  private final JsonValue parent;
  /** The member's name, or null for an array element (then {@link #index}). */
  private final String name;
  private final int index;
  private final JsonNode node;

  private JsonValue(JsonDocument document, int root, JsonValue parent, String name, int index, JsonNode node) {
    this.document = document;
    this.root = root;
    this.parent = parent;
    this.name = name;
    this.index = index;
    this.node = node;
  }

  /** The top-level value number {@code root} of {@code document}. */
  static JsonValue root(JsonDocument document, int root, JsonNode node) {
    return new JsonValue(document, root, null, null, -1, node);
  }

  JsonNode node() {
    return node;
  }

  /** The names and indexes from the root to this value. */
  List<String> path() {
    List<String> path = new ArrayList<>();
    for (JsonValue v = this; v.parent != null; v = v.parent) {
      path.add(v.name != null ? v.name : Integer.toString(v.index));
    }
    return path.reversed();
  }

  /** Nothing at this value's path: what a reader sees where an optional part is left out. */
  JsonValue absent() {
    return new JsonValue(document, root, parent, name, index, tools.jackson.databind.node.MissingNode.getInstance());
  }

  JsonValue get(String name) {
    JsonNode child = node.isObject() ? node.path(name) : tools.jackson.databind.node.MissingNode.getInstance();
    return new JsonValue(document, root, this, name, -1, child);
  }

  boolean present() {
    return !node.isMissingNode() && !node.isNull();
  }

  /** The elements of an array; none when absent or null. */
  List<JsonValue> elements(String expected) {
    if (!present()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw problem("expected " + expected);
    }
    List<JsonValue> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      out.add(new JsonValue(document, root, this, null, i, node.get(i)));
    }
    return out;
  }

  /** The properties of an object, in file order; none when absent or null. */
  Map<String, JsonValue> properties(String expected) {
    if (!present()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw problem("expected " + expected);
    }
    Map<String, JsonValue> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      out.put(e.getKey(), new JsonValue(document, root, this, e.getKey(), -1, e.getValue()));
    }
    return out;
  }

  Optional<String> string() {
    if (!present()) {
      return Optional.empty();
    }
    if (!node.isString()) {
      throw problem("expected a string");
    }
    return Optional.of(node.stringValue());
  }

  String string(String absent) {
    return string().orElse(absent);
  }

  Optional<Boolean> bool() {
    if (!present()) {
      return Optional.empty();
    }
    if (!node.isBoolean()) {
      throw problem("expected true or false");
    }
    return Optional.of(node.booleanValue());
  }

  OptionalInt integer() {
    if (!present()) {
      return OptionalInt.empty();
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw problem("expected a whole number");
    }
    return OptionalInt.of(node.intValue());
  }

  /** An IP address with or without a prefix length; empty when absent, null or {@code ""}. */
  Optional<IPAddress> address() {
    Optional<String> text = string();
    if (text.isEmpty() || text.get().isEmpty()) {
      return Optional.empty();
    }
    // IPAddressString reads "" as loopback and accepts host names only when asked: check for null.
    IPAddress address = JsonValue.parseAddress(text.get());
    if (address == null) {
      throw problem("expected an IP address, found '" + text.get() + "'");
    }
    return Optional.of(address);
  }

  /**
   * The IPAddress library's reading of {@code text} (null when it is none), a plain dotted quad
   * read directly: the library reads those the same way at many times the cost.
   */
  static IPAddress parseAddress(String text) {
    IPAddress plain = AddressInput.dottedQuadOrNull(text);
    return plain != null ? plain : new IPAddressString(text).getAddress();
  }

  /** An array of strings; none when absent or null. */
  List<String> strings() {
    List<String> out = new ArrayList<>();
    for (JsonValue element : elements("an array of strings")) {
      element.string().ifPresent(out::add);
    }
    return out;
  }

  SnapshotFileException problem(String expected) {
    return document.problem(root, path(), expected);
  }
}
