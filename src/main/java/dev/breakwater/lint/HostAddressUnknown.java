package dev.breakwater.lint;

import dev.breakwater.catalog.Severity;
import dev.breakwater.compose.ReadingNote;
import dev.breakwater.compose.Service;
import java.util.List;

@RuleInfo(
    id = "BW012",
    name = "HostAddressUnknown",
    summary = "A script publishes a port on an address from a variable whose value at that line depends on a branch, or on a required variable the script does not set.",
    severity = Severity.MEDIUM,
    exampleFile = "deploy.sh",
    why = """
        Lint reads a script as the shell runs it: a variable's value at the `docker run` line is
        the last assignment before it. When that assignment is inside an `if`, `case`, loop or
        `{ }` body, the address the port is published on depends on which branch ran, and one
        of them may be every address, past UFW. `${BIND:?}` of a variable the script never sets
        hands the choice to whoever runs it. Lint cannot say the port is safe, so it says it
        does not know.""",
    fix = """
        Assign the address on the straight path before the `docker run` line (for instance a
        default after the branch, `BIND=${BIND:-127.0.0.1}`), or write the address in the `-p`
        value. When the branch is deliberate, suppress with `# breakwater:ignore BW012 reason`.""",
    bad = """
        if [ "$PUBLIC" = yes ]; then
          BIND=0.0.0.0
        else
          BIND=127.0.0.1
        fi
        docker run -d -p "$BIND:8080:80" nginx
        """,
    good = """
        BIND=127.0.0.1
        docker run -d -p "$BIND:8080:80" nginx
        """)
final class HostAddressUnknown implements LintRule {
  @Override
  public List<LintFinding> check(Service service) {
    return LintFinding.ofNotes(this, Severity.MEDIUM, service, ReadingNote.Kind.ADDRESS_UNKNOWN, 
        note -> "the host address of '" + note.where().value()
            + "' (" + service.name() + ") is unknown: " + note.message()
            + "; it may be every address, past UFW");
  }
}
