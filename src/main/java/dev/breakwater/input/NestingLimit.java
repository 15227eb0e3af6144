package dev.breakwater.input;

import dev.breakwater.problem.BadInput;
import java.io.StringReader;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
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
 * SnakeYAML Engine has no such setting, so {@link #composeYaml} counts the events the composer
 * pulls from the parser (a state machine with its own stack, which never recurses).
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
   * Composes {@code text} as {@code Compose.composeString} does, in one pass, refusing YAML nested
   * deeper than {@link #MAX_DEPTH} at the line and column where it gets too deep: the composer
   * pulls its events through a parser that counts how deep they are, so it never recurses past
   * the limit and the text is parsed once.
   *
   * @param label the file name used in the message
   * @throws BadInput when the document nests too deeply
   */
  public static Optional<Node> composeYaml(String text, LoadSettings settings, String label) {
    Parser parser = new ParserImpl(settings, new StreamReader(settings, new StringReader(text)));
    return new Composer(settings, new DepthCountingParser(parser, label)).getSingleNode();
  }

  /** The events of {@code parser}, refused once mappings and sequences nest too deeply. */
  private static final class DepthCountingParser implements Parser {
    private final Parser parser;
    private final String label;
    private int depth;

    DepthCountingParser(Parser parser, String label) {
      this.parser = parser;
      this.label = label;
    }

    @Override
    public boolean checkEvent(Event.ID choice) {
      return parser.checkEvent(choice);
    }

    @Override
    public Event peekEvent() {
      return parser.peekEvent();
    }

    @Override
    public boolean hasNext() {
      return parser.hasNext();
    }

    @Override
    public Event next() {
      Event event = parser.next();
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
      return event;
    }
  }

  private static String position(Mark mark) {
    return ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
  }
}
