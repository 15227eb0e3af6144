package dev.breakwater.problem;

/**
 * Marker for exceptions thrown by parsers outside the CLI package (netfilter, host, compose,
 * policy) whose message already reads {@code file:line[:col]: what was expected}.
 */
public interface InputProblem {
  String getMessage();
}
