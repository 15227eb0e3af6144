package dev.breakwater.ufw;

/**
 * One row of {@code ufw status verbose}, e.g. {@code 3306/tcp  DENY IN  Anywhere}.
 *
 * @param to the "To" column as written ({@code 22/tcp}, {@code 80,443/tcp}, {@code Anywhere on eth0})
 * @param action {@code ALLOW}, {@code DENY}, {@code REJECT} or {@code LIMIT}
 * @param direction {@code IN}, {@code OUT} or {@code FWD}
 * @param from the "From" column as written
 * @param v6 true for the rows marked {@code (v6)}
 * @param line 1-based line in the status text
 */
public record UfwRule(String to, String action, String direction, String from, boolean v6, int line) {}
