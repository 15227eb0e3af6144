package dev.breakwater.probe;

import dev.breakwater.catalog.Severity;

/** The advice every reachable data store shares, whatever its protocol. */
final class ExposureAdvice {
  private ExposureAdvice() {}

  /** Keeping the port off the outside network, which matters even when a password is set. */
  static String keepOffTheNetwork(int port) {
    return "keep the port off outside networks: bind the service to 127.0.0.1 or a private "
        + "address; in Docker publish it as 127.0.0.1:" + port + ":" + port + " or drop outside "
        + "traffic in DOCKER-USER (see 'breakwater plan'), since UFW's rules do not apply to "
        + "published container ports";
  }

  /** Severity of a data store that identified itself to a stranger and asked for credentials. */
  static final Severity REACHABLE_WITH_AUTH = Severity.MEDIUM;

  static String reachableWithAuth(String what, Endpoint where) {
    return what + " at " + where + " asks for credentials, but answers anyone who can reach it";
  }
}
