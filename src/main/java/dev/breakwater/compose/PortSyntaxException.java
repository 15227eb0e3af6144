package dev.breakwater.compose;

/** A port specification that Compose or Docker would refuse; the caller adds the location. */
final class PortSyntaxException extends Exception {
  PortSyntaxException(String message) {
    super(message);
  }
}
