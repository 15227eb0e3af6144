package dev.breakwater.snapshot;

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
 */
record JsonValue(JsonDocument document, int root, List<String> path, JsonNode node) {

  JsonValue {
    path = List.copyOf(path);
  }

  JsonValue get(String name) {
    JsonNode child = node.isObject() ? node.path(name) : tools.jackson.databind.node.MissingNode.getInstance();
    return new JsonValue(document, root, append(name), child);
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
      out.add(new JsonValue(document, root, append(Integer.toString(i)), node.get(i)));
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
      out.put(e.getKey(), new JsonValue(document, root, append(e.getKey()), e.getValue()));
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
    IPAddress address = new IPAddressString(text.get()).getAddress();
    if (address == null) {
      throw problem("expected an IP address, found '" + text.get() + "'");
    }
    return Optional.of(address);
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
    return document.problem(root, path, expected);
  }

  private List<String> append(String segment) {
    List<String> longer = new ArrayList<>(path);
    longer.add(segment);
    return longer;
  }
}
