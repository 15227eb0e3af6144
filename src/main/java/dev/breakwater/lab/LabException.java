package dev.breakwater.lab;

/** The lab could not be built or removed; the message says which step and what the tool said. */
public final class LabException extends RuntimeException {
  public LabException(String message) {
    super(message);
  }
}
