package dev.breakwater.lint;

import dev.breakwater.compose.PortEntry;
import dev.breakwater.compose.ReadingNote;
import dev.breakwater.compose.Scalar;
import dev.breakwater.compose.Service;
import dev.breakwater.compose.SourceFile;

import dev.breakwater.catalog.Severity;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a rule found, where: a value, never an exception. {@code port} is set when the finding is
 * about a publication the fixer can bind; {@code bindTo} is the address it should be bound to
 * when lint knows one (the address a reverse proxy in the repository uses to reach it), else the
 * fixer's {@code --bind}; {@code suppression} holds the reason when an inline comment or the
 * config file silenced it.
 */
public record LintFinding(
    RuleMeta rule,
    Severity severity,
    String message,
    String service,
    SourceFile file,
    int start,
    int end,
    Optional<PortEntry> port,
    Optional<String> bindTo,
    Optional<String> suppression) {

  static LintFinding of(LintRule rule, Severity severity, String message, Service service, Scalar where) {
    return new LintFinding(rule.meta(), severity, message, service.name(), where.file(), where.start(),
        where.end(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  static LintFinding ofPort(LintRule rule, Severity severity, String message, Service service, PortEntry port,
      boolean fixable) {
    return new LintFinding(rule.meta(), severity, message, service.name(), port.file(), port.start(),
        port.end(), fixable ? Optional.of(port) : Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** One finding per reading note of {@code kind}: what the reader could not know, at its place. */
  static List<LintFinding> ofNotes(LintRule rule, Severity severity, Service service, ReadingNote.Kind kind,
      Function<ReadingNote, String> message) {
    return service.notes().stream().filter(n -> n.kind() == kind)
        .map(n -> of(rule, severity, message.apply(n), service, n.where())).toList();
  }

  public int line() {
    return file.line(start);
  }

  public int column() {
    return file.column(start);
  }

  public boolean suppressed() {
    return suppression.isPresent();
  }

  LintFinding suppressedBecause(String reason) {
    return new LintFinding(rule, severity, message, service, file, start, end, port, bindTo, Optional.of(reason));
  }

  /** The same finding, explained by {@code why} and to be bound to {@code address} by the fixer. */
  LintFinding internalTo(String address, String why) {
    return new LintFinding(rule, severity, message + "; " + why, service, file, start, end, port,
        Optional.of(address), suppression);
  }
}
