package dev.breakwater.hostconf;

import dev.breakwater.input.NestingLimit;
import dev.breakwater.net.AddressInput;
import dev.breakwater.problem.BadInput;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one reader of {@code /etc/docker/daemon.json}, for the snapshot, the gatherer and lint: the
 * top-level keys with the place each is written, and the place of each element of an array value
 * ({@code "hosts": [...]}), so that a finding names the line of the setting that causes it.
 * dockerd reads one JSON object; a key written twice is refused by dockerd too, and here the last
 * one is kept. The keys Breakwater reads are checked for the type dockerd requires when the file is
 * parsed ({@link #READ_KEYS}), so a caller's accessor never fails later. What it reads is bounded: at most {@link #MAX_CHARS} characters nested at most
 * {@link NestingLimit#MAX_DEPTH} deep, and every refusal names {@code file:line:column}.
 */
public final class DaemonJsonKeys {
  /**
   * A daemon.json is a few hundred bytes (dockerd's every option fits in 10 KiB); a megabyte is
   * another file under that name, refused before a tree is built from it.
   */
  static final int MAX_CHARS = 1 << 20;
  /** The keys Breakwater reads (here, in host.DaemonConfig and in DaemonJsonChecks), each with its type. */
  private static final Map<String, java.util.function.Consumer<Key>> READ_KEYS = Map.of(
      "hosts", Key::strings, "ip", Key::address, "iptables", Key::bool, "ip6tables", Key::bool,
      "userland-proxy", Key::bool, "tls", Key::bool, "tlsverify", Key::bool);
  // A value is read from the middle of the object: what follows it is the next key, not trailing text.
  private static final JsonMapper MAPPER = NestingLimit.jsonMapper()
      .disable(tools.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  /**
   * One key: its value, where the key is written and where each element is when it is an array
   * (in the file findings cite), and where the value is (in the file that was read, for errors).
   */
  public record Key(String name, JsonNode value, ConfigPlace place, List<ConfigPlace> elementPlaces,
      ConfigPlace valueAt) {
    public Key {
      elementPlaces = List.copyOf(elementPlaces);
    }

    /** The value when it is true or false; empty when it is null. */
    public Optional<Boolean> bool() {
      if (value.isNull()) {
        return Optional.empty();
      }
      if (!value.isBoolean()) {
        throw wrongType("true or false");
      }
      return Optional.of(value.booleanValue());
    }

    /** The value when it is a string; empty when it is null. */
    public Optional<String> string() {
      if (value.isNull()) {
        return Optional.empty();
      }
      if (!value.isString()) {
        throw wrongType("a string");
      }
      return Optional.of(value.stringValue());
    }

    /** The strings of an array value ({@code "hosts"}); empty when null. */
    public List<String> strings() {
      if (value.isNull()) {
        return List.of();
      }
      if (!value.isArray() || !value.valueStream().allMatch(JsonNode::isString)) {
        throw wrongType("an array of strings");
      }
      return value.valueStream().map(JsonNode::stringValue).toList();
    }

    /** An IP address ({@code "ip"}, {@code "bip"}); empty when null or {@code ""}. */
    public Optional<IPAddress> address() {
      Optional<String> text = string().map(String::strip).filter(s -> !s.isEmpty());
      if (text.isEmpty()) {
        return Optional.empty();
      }
      // IPAddressString reads "" as loopback and names as addresses only when asked: check for null.
      IPAddress plain = AddressInput.dottedQuadOrNull(text.get());
      IPAddress address = plain != null ? plain : new IPAddressString(text.get()).getAddress();
      if (address == null) {
        throw new BadInput(valueAt + ": expected an IP address for \"" + name + "\" (dockerd refuses another value),"
            + " found '" + BadInput.excerpt(text.get()) + "'");
      }
      return Optional.of(address);
    }

    private BadInput wrongType(String expected) {
      return new BadInput(valueAt + ": expected " + expected + " for \"" + name + "\" (dockerd refuses another type),"
          + " found " + BadInput.excerpt(value.toString()));
    }
  }

  private final String file;
  private final Map<String, Key> keys;

  private DaemonJsonKeys(String file, Map<String, Key> keys) {
    this.file = file;
    this.keys = Map.copyOf(keys);
  }

  /** The file findings cite. */
  public String file() {
    return file;
  }

  public Optional<Key> key(String name) {
    return Optional.ofNullable(keys.get(name));
  }

  /**
   * @param file the name said in findings and errors ({@code /etc/docker/daemon.json}, a path in a repository)
   * @throws BadInput at the line and column of text that is not one JSON object
   */
  public static DaemonJsonKeys parse(String text, String file) {
    return parse(text, file, file);
  }

  /**
   * @param source the file that was read, named in errors (a snapshot's copy)
   * @param citedAs the file findings cite (the host's file the copy was taken from: the fix is made there)
   * @throws BadInput at the line and column of text that is not one JSON object, or of a value of a
   *     type dockerd refuses for a key Breakwater reads
   */
  public static DaemonJsonKeys parse(String text, String source, String citedAs) {
    Map<String, Key> keys = new LinkedHashMap<>();
    if (text.isBlank()) {
      return new DaemonJsonKeys(citedAs, keys); // dockerd reads an empty file as {}
    }
    if (text.length() > MAX_CHARS) {
      throw new BadInput(source + ":1:1: expected a daemon.json of at most " + String.format(java.util.Locale.ROOT,
          "%,d characters, found %,d", MAX_CHARS, text.length()));
    }
    try (JsonParser parser = MAPPER.createParser(text)) {
      try {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
          throw problem(source, parser.currentTokenLocation(), "expected one JSON object, as dockerd reads");
        }
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
          String name = parser.currentName();
          ConfigPlace place = place(citedAs, parser.currentTokenLocation());
          List<ConfigPlace> elements = new ArrayList<>();
          JsonNode value;
          JsonToken first = parser.nextToken();
          ConfigPlace valueAt = place(source, parser.currentTokenLocation());
          if (first == JsonToken.START_ARRAY) {
            List<JsonNode> items = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
              elements.add(place(citedAs, parser.currentTokenLocation()));
              items.add(MAPPER.readTree(parser));
            }
            value = MAPPER.createArrayNode().addAll(items);
          } else {
            value = MAPPER.readTree(parser);
          }
          keys.put(name, new Key(name, value, place, elements, valueAt));
        }
        if (parser.nextToken() != null) {
          throw problem(source, parser.currentTokenLocation(), "expected one JSON object, as dockerd reads, and nothing after it");
        }
      } catch (JacksonException e) {
        // A constraint (the nesting depth) is reported without a location: the parser has it.
        throw problem(source, e.getLocation() != null ? e.getLocation() : parser.currentLocation(),
            "expected valid JSON (dockerd refuses to start otherwise): " + firstLine(e.getOriginalMessage()));
      }
    } catch (JacksonException e) {
      throw problem(source, e.getLocation(), "expected valid JSON (dockerd refuses to start otherwise): "
          + firstLine(e.getOriginalMessage()));
    }
    keys.forEach((name, key) -> READ_KEYS.getOrDefault(name, k -> {}).accept(key));
    return new DaemonJsonKeys(citedAs, keys);
  }

  private static ConfigPlace place(String file, TokenStreamLocation at) {
    return new ConfigPlace(file, Math.max(1, at.getLineNr()), Math.max(1, at.getColumnNr()));
  }

  private static BadInput problem(String file, TokenStreamLocation at, String expected) {
    if (at == null || at.getLineNr() < 1) {
      return new BadInput(file + ":1:1: " + expected);
    }
    return new BadInput(place(file, at) + ": " + expected);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "malformed JSON";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
