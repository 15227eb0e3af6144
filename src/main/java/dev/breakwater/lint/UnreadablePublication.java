package dev.breakwater.lint;

import dev.breakwater.catalog.Severity;
import dev.breakwater.compose.ReadingNote;
import dev.breakwater.compose.Service;
import java.util.List;

@RuleInfo(
    id = "BW013",
    name = "UnreadablePublication",
    summary = "A docker run line in a script publishes a port in a form lint cannot read; the rest of the script is still linted.",
    severity = Severity.MEDIUM,
    exampleFile = "deploy.sh",
    why = """
        Docker refuses a `-p` value it cannot parse, or reads it differently from what was meant
        (`-p 80:80:tcp` is not `80:80/tcp`). Lint cannot tell who reaches such a port, so it
        reports the line instead of guessing, and goes on with the rest of the script. In a
        Compose file the same mistake is bad input (exit 2), because `docker compose` refuses
        the whole file.""",
    fix = """
        Write the publication as Docker documents it: `[IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`
        or `published=..,target=..[,protocol=..]`
        (https://docs.docker.com/reference/cli/docker/container/run/#publish).""",
    bad = """
        docker run -d -p 127.0.0.1:5432:postgres postgres:16
        """,
    good = """
        docker run -d -p 127.0.0.1:5432:5432 postgres:16
        """)
final class UnreadablePublication implements LintRule {
  @Override
  public List<LintFinding> check(Service service) {
    return LintFinding.ofNotes(this, Severity.MEDIUM, service, ReadingNote.Kind.UNREADABLE, 
        note -> "cannot read the publication '" + note.where().value()
            + "' of '" + service.name() + "': " + note.message() + "; lint cannot tell who reaches it");
  }
}
