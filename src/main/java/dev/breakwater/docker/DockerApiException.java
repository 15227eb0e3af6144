package dev.breakwater.docker;

/** The Docker daemon could not be reached, or answered with an error. */
public final class DockerApiException extends RuntimeException {
  private final int status;

  DockerApiException(String message) {
    super(message);
    this.status = 0;
  }

  DockerApiException(String request, int status, String body) {
    super(request + " failed with HTTP " + status + ": " + body.strip());
    this.status = status;
  }

  /** The HTTP status, 0 when the daemon did not answer. */
  public int status() {
    return status;
  }
}
