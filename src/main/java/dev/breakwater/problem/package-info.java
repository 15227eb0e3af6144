/**
 * The error vocabulary every floor may throw and only {@code cli} turns into exit codes:
 * {@link dev.breakwater.problem.InputProblem} (bad input, with where and what was expected) and
 * {@link dev.breakwater.problem.EnvironmentProblem} (a missing tool, privilege or daemon, with
 * what to do).
 */
package dev.breakwater.problem;
