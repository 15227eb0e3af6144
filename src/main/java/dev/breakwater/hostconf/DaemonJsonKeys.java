package dev.breakwater.hostconf;

import dev.breakwater.input.NestingLimit;
import dev.breakwater.problem.BadInput;
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
 * The top-level keys of a {@code daemon.json} with the place each is written, and the place of
 * each element of an array value ({@code "hosts": [...]}), so that a finding names the line of the
 * setting that causes it. dockerd reads one JSON object; a key written twice is refused by dockerd
 * too, and here the last one is kept.
 */
public final class DaemonJsonKeys {
  // A value is read from the middle of the object: what follows it is the next key, not trailing text.
  private static final JsonMapper MAPPER = NestingLimit.jsonMapper()
      .disable(tools.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  /** One key: its value, where the key is written, and where each element is when it is an array. */
  public record Key(String name, JsonNode value, ConfigPlace place, List<ConfigPlace> elementPlaces) {
    public Key {
      elementPlaces = List.copyOf(elementPlaces);
    }

    /** The value when it is true or false; empty for another type (dockerd refuses it anyway). */
    public Optional<Boolean> bool() {
      return value.isBoolean() ? Optional.of(value.booleanValue()) : Optional.empty();
    }

    public Optional<String> string() {
      return value.isString() ? Optional.of(value.stringValue()) : Optional.empty();
    }
  }

  private final String file;
  private final Map<String, Key> keys;

  private DaemonJsonKeys(String file, Map<String, Key> keys) {
    this.file = file;
    this.keys = Map.copyOf(keys);
  }

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
    Map<String, Key> keys = new LinkedHashMap<>();
    if (text.isBlank()) {
      return new DaemonJsonKeys(file, keys); // dockerd reads an empty file as {}
    }
    try (JsonParser parser = MAPPER.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw problem(file, parser.currentTokenLocation(), "expected one JSON object, as dockerd reads");
      }
      while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = parser.currentName();
        ConfigPlace place = place(file, parser.currentTokenLocation());
        List<ConfigPlace> elements = new ArrayList<>();
        JsonNode value;
        if (parser.nextToken() == JsonToken.START_ARRAY) {
          List<JsonNode> items = new ArrayList<>();
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            elements.add(place(file, parser.currentTokenLocation()));
            items.add(MAPPER.readTree(parser));
          }
          value = MAPPER.createArrayNode().addAll(items);
        } else {
          value = MAPPER.readTree(parser);
        }
        keys.put(name, new Key(name, value, place, elements));
      }
      if (parser.nextToken() != null) {
        throw problem(file, parser.currentTokenLocation(), "expected one JSON object, as dockerd reads, and nothing after it");
      }
    } catch (JacksonException e) {
      throw problem(file, e.getLocation(), "expected valid JSON (dockerd refuses to start otherwise): "
          + firstLine(e.getOriginalMessage()));
    }
    return new DaemonJsonKeys(file, keys);
  }

  private static ConfigPlace place(String file, TokenStreamLocation at) {
    return new ConfigPlace(file, Math.max(1, at.getLineNr()), Math.max(1, at.getColumnNr()));
  }

  private static BadInput problem(String file, TokenStreamLocation at, String expected) {
    if (at == null || at.getLineNr() < 1) {
      return new BadInput(file + ": " + expected);
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
