package dev.breakwater.snapshot;

import dev.breakwater.input.NestingLimit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON output of a command ({@code docker inspect}, {@code ip -j ...}), kept with its text so
 * that a value of the wrong shape can be reported at its line and column: a tree loses positions,
 * so {@link #locate} walks the tokens again to find them, which only happens on the error path.
 */
final class JsonDocument {
  // Jackson 3 rejects a second top-level value by default; we read them one by one on purpose.
  // The depth cap turns a 3,000-deep document into a located error, not a stack overflow.
  private static final JsonMapper MAPPER =
      NestingLimit.jsonMapper().disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private final String source;
  private final String text;
  private final List<JsonNode> roots;

  private JsonDocument(String source, String text, List<JsonNode> roots) {
    this.source = source;
    this.text = text;
    this.roots = List.copyOf(roots);
  }

  /**
   * Parses every top-level value: {@code ip -j route; ip -6 -j route} appended to one file gives
   * two arrays one after the other, which is not one JSON document but is what users will write.
   *
   * @param producedBy the command that writes this file, named in the error message
   */
  static JsonDocument parse(String text, String source, String producedBy) {
    List<JsonNode> roots = new ArrayList<>();
    try (JsonParser parser = MAPPER.createParser(text)) {
      try {
        while (parser.nextToken() != null) {
          roots.add(MAPPER.readTree(parser));
        }
      } catch (JacksonException e) {
        // A constraint (the nesting depth) is reported without a location: the parser has it.
        throw e.getLocation() == null ? problem(e, parser.currentLocation(), source, producedBy)
            : problem(e, e.getLocation(), source, producedBy);
      }
    } catch (JacksonException e) {
      throw problem(e, e.getLocation(), source, producedBy);
    }
    return new JsonDocument(source, text, roots);
  }

  private static SnapshotFileException problem(JacksonException e, TokenStreamLocation at, String source,
      String producedBy) {
    String why = firstLine(e.getOriginalMessage());
    String expected = "expected valid JSON (the output of " + producedBy + "): " + why;
    if (at == null || at.getLineNr() < 1) {
      return new SnapshotFileException(source, expected);
    }
    return new SnapshotFileException(source, at.getLineNr(), Math.max(1, at.getColumnNr()), expected);
  }

  String source() {
    return source;
  }

  List<JsonValue> roots() {
    List<JsonValue> values = new ArrayList<>();
    for (int i = 0; i < roots.size(); i++) {
      values.add(JsonValue.root(this, i, roots.get(i)));
    }
    return values;
  }

  /** An error at the value found under {@code path}, or at its nearest existing ancestor. */
  SnapshotFileException problem(int root, List<String> path, String expected) {
    String where = " (at /" + String.join("/", path) + ")";
    for (int depth = path.size(); depth >= 0; depth--) {
      TokenStreamLocation at = locate(root, path.subList(0, depth));
      if (at != null) {
        return new SnapshotFileException(source, at.getLineNr(), at.getColumnNr(), expected + where);
      }
    }
    return new SnapshotFileException(source, expected + where);
  }

  private TokenStreamLocation locate(int root, List<String> target) {
    // One frame per open container: an array's next index, or an object's current property name.
    Deque<String[]> frames = new ArrayDeque<>();
    int rootIndex = -1;
    try (JsonParser parser = MAPPER.createParser(text)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token == JsonToken.PROPERTY_NAME) {
          frames.peek()[1] = parser.currentName();
          continue;
        }
        if (token == JsonToken.END_ARRAY || token == JsonToken.END_OBJECT) {
          frames.pop();
          continue;
        }
        if (frames.isEmpty()) {
          rootIndex++;
        } else if (frames.peek()[0].equals("array")) {
          String[] frame = frames.peek();
          frame[1] = Integer.toString(frame[1] == null ? 0 : Integer.parseInt(frame[1]) + 1);
        }
        if (rootIndex == root && pathOf(frames).equals(target)) {
          return parser.currentTokenLocation();
        }
        if (token == JsonToken.START_ARRAY) {
          frames.push(new String[] {"array", null});
        } else if (token == JsonToken.START_OBJECT) {
          frames.push(new String[] {"object", null});
        }
      }
    } catch (JacksonException e) {
      return null;
    }
    return null;
  }

  private static List<String> pathOf(Deque<String[]> frames) {
    List<String> path = new ArrayList<>();
    frames.descendingIterator().forEachRemaining(frame -> path.add(frame[1]));
    return path;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "malformed JSON";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
