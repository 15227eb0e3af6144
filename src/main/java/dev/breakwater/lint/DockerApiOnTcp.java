package dev.breakwater.lint;

import dev.breakwater.catalog.Severity;
import dev.breakwater.hostconf.DaemonJsonChecks;

@RuleInfo(
    id = "BW014",
    name = "DockerApiOnTcp",
    summary = "A daemon.json serves the Docker API on a TCP address other than loopback without TLS client verification.",
    severity = Severity.CRITICAL,
    exampleFile = "daemon.json",
    why = """
        The Docker API is root on the host: whoever can call it runs
        `docker run --privileged -v /:/host` and owns the machine. `"hosts": ["tcp://0.0.0.0:2375"]`
        without `"tlsverify": true` accepts every client that reaches port 2375 (`"tls": true`
        alone encrypts but still accepts any client). Scanners look for 2375 all day; exposed
        daemons are taken over to mine coins within hours. The API is a host socket, so only
        INPUT rules (UFW's) limit who reaches it.""",
    fix = """
        Remove the `tcp://` entry and reach the daemon over SSH (`DOCKER_HOST=ssh://user@host`),
        or set `"tlsverify": true` with `"tlscacert"`, `"tlscert"` and `"tlskey"` and use port 2376
        (https://docs.docker.com/engine/security/protect-access/). A `tcp://127.0.0.1` entry is
        not flagged: it is as open as the docker group, to local users only.""",
    bad = """
        {
          "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"]
        }
        """,
    good = """
        {
          "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"],
          "tlsverify": true,
          "tlscacert": "/etc/docker/ca.pem",
          "tlscert": "/etc/docker/server-cert.pem",
          "tlskey": "/etc/docker/server-key.pem"
        }
        """)
final class DockerApiOnTcp implements HostConfigRule {
  @Override
  public String findingId() {
    return DaemonJsonChecks.API_TCP_OPEN;
  }
}
