package dev.breakwater.cli;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The one JSON configuration for everything Breakwater prints: records, indented, stable. */
public final class Json {
  private static final class Holder {
    // Built on first use: Jackson's start-up cost is paid only by commands that print JSON.
    static final JsonMapper MAPPER = JsonMapper.builder()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .build();
  }

  private Json() {}

  public static JsonMapper mapper() {
    return Holder.MAPPER;
  }

  /** Indented JSON of a record (or list, map) followed by a newline. */
  public static String write(Object value) {
    return Holder.MAPPER.writeValueAsString(value) + System.lineSeparator();
  }
}
