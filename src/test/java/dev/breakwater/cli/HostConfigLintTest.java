package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lint on a repository that keeps host configuration files beside its compose file (BW014-BW019). */
class HostConfigLintTest {
  @TempDir Path dir;

  /** Writes {@code text} at {@code name} below the repository, its directories too; returns the file. */
  private Path write(String name, String text) throws Exception {
    return Files.writeString(Files.createDirectories(dir.resolve(name).getParent()).resolve(dir.resolve(name).getFileName()),
        text);
  }

  @Test
  void aRepositorysHostFilesGetTheAuditsFindingsAtTheirLines() throws Exception {
    write("compose.yaml", """
        services:
          web:
            image: nginx:1.27
            ports:
              - "127.0.0.1:8080:80"
              - "8443:443"
        """);
    Path daemon = write("etc/docker/daemon.json", """
        {
          "hosts": [
            "tcp://0.0.0.0:2375"
          ],
          "iptables": false
        }
        """);
    Path ufw = write("etc/default/ufw", "IPV6=yes\nDEFAULT_FORWARD_POLICY=\"ACCEPT\"\n");
    write("fail2ban/jail.conf", "[DEFAULT]\nchain = <known/chain>\n[web-auth]\nport = 8443\n[ssh]\nport = ssh\nenabled = true\n");
    Path local = write("fail2ban/jail.d/web.local", "[web-auth]\nenabled = true\n");

    CliRun r = CliRun.of("lint", "--format", "text", dir.toString());

    assertThat(r.exit()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(r.out())
        .contains(daemon + ":3:5: critical BW014: \"hosts\" serves the Docker API on tcp 0.0.0.0:2375 without TLS")
        .contains(daemon + ":5:3: medium BW015: \"iptables\": false")
        .contains(ufw + ":2:1: medium BW016: DEFAULT_FORWARD_POLICY=\"ACCEPT\"")
        .contains(local + ":2:1: high BW017: fail2ban jail [web-auth] bans in chain INPUT, but port 8443 (web)")
        .contains("'port = 443'");
    // The loopback-bound 8080 is no container port a jail protects, and the ssh jail guards the host.
    assertThat(r.out()).doesNotContain("[ssh]").doesNotContain("8080 (web)");
  }

  @Test
  void aJailIsJudgedOnlyAgainstPortsTheRepositoryPublishes() throws Exception {
    Path jail = write("jail.local", "[web-auth]\nenabled = true\nport = 8443\n");

    assertThat(CliRun.of("lint", jail.toString()).exit()).isEqualTo(ExitCodes.CLEAN);
  }

  @Test
  void aBrokenDaemonJsonIsBadInputAtItsLine() throws Exception {
    Path daemon = write("daemon.json", "{\n  \"iptables\": fals\n}\n");

    CliRun r = CliRun.of("lint", daemon.toString());

    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains(daemon + ":2:").doesNotContain("at dev.breakwater");
  }

  @Test
  void aSuppressionCommentAboveTheJailLineSilencesIt() throws Exception {
    write("compose.yaml", "services:\n  web:\n    image: nginx\n    ports:\n      - \"8443:443\"\n");
    write("jail.local", "[web-auth]\n# breakwater:ignore BW017 banned in DOCKER-USER by our own action\nenabled = true\n"
        + "port = 8443\n");

    CliRun r = CliRun.of("lint", "--fail-on", "high", dir.toString());

    assertThat(r.out()).doesNotContain("BW017");
    assertThat(r.err()).contains("suppressed");
  }

  @Test
  void sysctlFilesOfOneDirectoryAreReadInTheOrderTheyAreApplied() throws Exception {
    write("compose.yaml", """
        services:
          cache:
            image: redis:7
            ports:
              - "127.0.0.1:6379:6379"
        """);
    Path opened = write("etc/sysctl.d/60-net.conf", "# docker hairpin\nnet.ipv4.conf.eth0.route_localnet = 1\n"
        + "net/ipv4/conf/eth1/route_localnet = 1\n");
    // sysctl.conf is applied after sysctl.d: it undoes eth1's, not eth0's
    write("etc/sysctl.conf", "net.ipv4.ip_forward = 0\nnet.ipv4.conf.eth1.route_localnet = 0\n");

    CliRun r = CliRun.of("lint", "--format", "text", dir.toString());

    assertThat(r.exit()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(r.out())
        .contains(opened + ":2:1: medium BW019: net.ipv4.conf.eth0.route_localnet = 1 accepts packets for 127.0.0.0/8 from eth0")
        .contains("6379 (cache)")
        .doesNotContain("eth1")
        .doesNotContain("ip_forward");
  }

  @Test
  void aSysctlFileAloneIsJudgedWithoutLoopbackPortsAndALineOfAnotherShapeIsBadInput() throws Exception {
    Path conf = write("sysctl.d/10-x.conf", "net.ipv4.conf.all.route_localnet=1\n");

    assertThat(CliRun.of("lint", "--format", "text", conf.toString()).out())
        .contains(conf + ":1:1: medium BW019").contains("from every interface");

    write("sysctl.d/10-x.conf", "net.ipv4.ip_forward 1\n");
    CliRun bad = CliRun.of("lint", conf.toString());
    assertThat(bad.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(bad.err()).contains(conf + ":1:1: expected 'key = value'").doesNotContain("at dev.breakwater");
  }

  @Test
  void aJailsProtocolIsJudgedWithTheProtocolTheTreePublishes() throws Exception {
    write("compose.yaml", """
        services:
          dns:
            image: coredns/coredns:1.11
            ports:
              - "127.0.0.1:53:53/udp"
              - "8053:53/udp"
          web:
            image: nginx:1.27
            ports: ["8443:443"]
        """);
    Path jail = write("fail2ban/jail.local", """
        [dns-abuse]
        enabled  = true
        port     = 8053
        chain    = DOCKER-USER
        [web-auth]
        enabled  = true
        port     = 8443
        protocol = udp
        chain    = DOCKER-USER
        """);

    CliRun r = CliRun.of("lint", "--format", "text", dir.toString());

    // [dns-abuse] bans tcp (the default) for a udp-only port; [web-auth] udp for a tcp one
    assertThat(r.out())
        .contains(jail + ":2:1: medium BW018: fail2ban jail [dns-abuse] bans only tcp, but port 8053/udp (dns)")
        .contains(jail + ":8:1: medium BW018: fail2ban jail [web-auth] bans only udp, but port 8443 (web)")
        .doesNotContain("BW017");
  }

  @Test
  void hostFilesAreReadByTheSnapshotsReadersAsStrictly() throws Exception {
    Path ufw = write("etc/default/ufw", "DEFAULT_FORWARD_POLICY=\"OPEN\"\n");
    CliRun r = CliRun.of("lint", ufw.toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains(ufw + ":1:24: expected DEFAULT_FORWARD_POLICY=\"ACCEPT\", \"DROP\" or \"REJECT\"");

    Path daemon = write("daemon.json", "{\n  \"hosts\": \"tcp://0.0.0.0:2375\"\n}\n");
    CliRun d = CliRun.of("lint", daemon.toString());
    assertThat(d.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(d.err()).contains(daemon + ":2:12: expected an array of strings for \"hosts\"");
  }
}
