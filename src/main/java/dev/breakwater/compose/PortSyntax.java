package dev.breakwater.compose;

/** How a publication was written. */
public enum PortSyntax {
  COMPOSE_SHORT,
  COMPOSE_LONG,
  CLI_SHORT,
  CLI_CSV
}
