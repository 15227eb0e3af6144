package dev.breakwater.input;

import dev.breakwater.problem.BadInput;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * How deep a JSON or YAML document may nest. Nothing Breakwater reads nests more than a dozen
 * levels ({@code docker inspect} is the deepest); a 3,000-deep document is an attack or an
 * accident, and SnakeYAML Engine's composer recurses once per level, so it would overflow the
 * stack. Jackson checks the depth itself ({@link StreamReadConstraints#getMaxNestingDepth()});
 * SnakeYAML Engine has no such setting, so {@link #checkYaml} counts the parser's events, which
 * come from a state machine with its own stack and so never recurse.
 */
public final class NestingLimit {
  public static final int MAX_DEPTH = 256;

  private NestingLimit() {}

  /** A JSON mapper builder whose parsers refuse nesting deeper than {@link #MAX_DEPTH}. */
  public static JsonMapper.Builder jsonMapper() {
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
        .build();
    return JsonMapper.builder(factory);
  }

  /**
   * Refuses YAML nested deeper than {@link #MAX_DEPTH}, at the line and column where it gets too
   * deep. Syntax errors are left to the composer that runs next (the parser throws the same
   * {@code YamlEngineException} there, so callers report it once, as before).
   *
   * @param label the file name used in the message
   */
  public static void checkYaml(String text, LoadSettings settings, String label) {
    int depth = 0;
    for (Event event : new Parse(settings).parseString(text)) {
      switch (event.getEventId()) {
        case SequenceStart, MappingStart -> {
          if (++depth > MAX_DEPTH) {
            String at = event.getStartMark().map(NestingLimit::position).orElse("");
            throw new BadInput(label + at + ": expected YAML nested at most " + MAX_DEPTH + " levels deep");
          }
        }
        case SequenceEnd, MappingEnd -> depth--;
        default -> { }
      }
    }
  }

  private static String position(Mark mark) {
    return ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
  }
}
