package dev.breakwater.cli;

/** {@code --format} of verbs whose output is data. */
enum OutputFormat {
  TEXT,
  JSON
}
