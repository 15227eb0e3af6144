package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.lab.AttackerProbe;
import dev.breakwater.lab.Lab;
import dev.breakwater.lab.LabTools;
import dev.breakwater.lab.Scenario;
import dev.breakwater.system.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/policy.md's "What survives what" and docs/packaging.md's removal, on the lab host (real
 * dockerd and UFW in namespaces), with real connections from an allowed source (.66) and a
 * stranger (.67) to the database's published 3306. The units' and maintainer scripts' command
 * lines are read from packaging/ and run as written, in {@link UnitHost}. firewalld's reload, start
 * and stop are {@code watch.FirewalldReloadLabTest}'s: they are undone by watch, not by a unit.
 */
@Tag("lab")
class PersistenceLabTest {
  static final String ALLOWED = Lab.ATTACKER_ADDRESSES.get(0);
  static final String STRANGER = Lab.ATTACKER_ADDRESSES.get(1);
  static final String POLICY = "/etc/breakwater/policy.yml";
  /**
   * The confirmed policy: 3306 from .66 only (over IPv4: the lab's Docker 20.10 has no ip6tables
   * DOCKER-USER, so the proof accepts only an IPv6 allow of everyone), 8080 from anyone,
   * everything else published denied.
   */
  static final String CONFIRMED = """
      version: 1
      interfaces: [eth0]
      default: deny
      allow:
        - port: 3306
          from: [198.51.100.66/32, "::/0"]
        - port: 8080
          from: any
      """;
  /** Another policy: 3306 from .67 only; applied but never confirmed, or only edited. */
  static final String OTHER = CONFIRMED.replace("198.51.100.66/32", "198.51.100.67/32");
  static final List<String> LAB_LOG = new ArrayList<>();
  static Lab lab;

  @TempDir Path tmp;
  UnitHost host;

  @BeforeAll
  static void up() {
    LabTools.require();
    lab = Lab.standard(LAB_LOG::add);
    lab.up(Scenario.seedIncident());
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.down();
    }
  }

  @AfterEach
  void cleanUp() {
    if (host != null) {
      host.close();
    }
    // Whatever a failed test left of ours goes, so the next one starts from the incident.
    removeBreakwater();
  }

  @Test
  void bootAppliesTheLastConfirmedPolicyAndDropsAnUnconfirmedOne() throws Exception {
    assertThat(reaches(STRANGER, 3306)).as("the incident: the stranger reaches the database before any policy").isTrue();
    host = UnitHost.start(lab, tmp);
    applyConfirmed();
    Files.writeString(host.path(POLICY), OTHER);
    UnitHost.Run unconfirmed = breakwater("apply", "--policy", POLICY, "--confirm-within", "10m");
    assertThat(unconfirmed.exit()).as(unconfirmed.output()).isZero();
    assertThat(reaches(STRANGER, 3306)).as("the unconfirmed policy is in force before the reboot").isTrue();
    assertThat(reaches(ALLOWED, 3306)).isFalse();

    // The reboot: the rollback timer dies, the rules are gone, dockerd builds its chains again,
    // and the kernel has a new boot id. (The state directory and /etc survive.)
    host.endRollbackTimers();
    removeBreakwater();
    lab.restartDockerd();
    host.bootId(UUID.randomUUID().toString(), tmp);
    assertThat(reaches(STRANGER, 3306)).as("after the reboot, before the unit runs: the incident again").isTrue();

    Unit unit = Unit.read("breakwater.service");
    assertThat(Files.exists(host.path(unit.condition()))).as("the unit's ConditionPathExists holds").isTrue();
    UnitHost.Run boot = host.run(unit.execStart());
    assertThat(boot.exit()).as(boot.output()).isZero();
    assertThat(boot.output()).contains("boot: applying the last confirmed policy").contains("differs from it and was never confirmed");
    assertThat(reaches(ALLOWED, 3306)).as("the confirmed policy is in force: %s", boot.output()).isTrue();
    assertThat(reaches(STRANGER, 3306)).as("the unconfirmed one is not").isFalse();
    assertThat(reaches(STRANGER, 8080)).as("8080 is open to anyone in the confirmed policy").isTrue();
    assertThat(Files.readString(host.path("/var/lib/breakwater/journal.log"))).contains("was not confirmed before the reboot: not applied");
    assertThat(Files.readString(host.path("/var/lib/breakwater/journal"))).contains("ROLLED_BACK");
  }

  @Test
  void aDockerdRestartKeepsThePolicyAndTheUnitsRerunChangesNothing() throws Exception {
    host = UnitHost.start(lab, tmp);
    applyConfirmed();
    assertProtected("applied");

    lab.restartDockerd();
    assertThat(lab.onHost(List.of("iptables", "-w", "10", "-S", "DOCKER-USER"), Duration.ofSeconds(30)).stdout())
        .as("Docker keeps DOCKER-USER and its jump to BREAKWATER").contains("-A DOCKER-USER -j BREAKWATER");
    assertProtected("after the dockerd restart, before anything re-applies");

    // PartOf=/WantedBy=docker.service: systemd runs the unit's ExecStart again after docker starts.
    UnitHost.Run rerun = host.run(Unit.read("breakwater.service").execStart());
    assertThat(rerun.exit()).as(rerun.output()).isZero();
    assertThat(rerun.output()).contains("Nothing to change: the firewall already holds the confirmed policy");
    assertProtected("after the unit ran again");
  }

  @Test
  void ufwReloadKeepsThePolicyAndTheHookReappliesTheConfirmedOneNotAnEditedFile() throws Exception {
    host = UnitHost.start(lab, tmp);
    applyConfirmed();
    CommandRunner.Result reload = lab.onHost(List.of("ufw", "reload"), Duration.ofSeconds(60));
    assertThat(reload.exitCode()).as(reload.stderr()).isZero();
    assertProtected("after ufw reload");

    // The hook for MANAGE_BUILTINS=yes, run as UFW runs /etc/ufw/after.init, after an edit of the
    // policy file that was never applied: the edit must not become the policy by the back door.
    Files.writeString(host.path(POLICY), OTHER);
    Path hook = Path.of("packaging/ufw-after.init").toAbsolutePath();
    UnitHost.Run start = host.run(List.of("sh", hook.toString(), "start"));
    assertThat(start.exit()).as(start.output()).isZero();
    assertProtected("after the ufw hook ran with an edited, unconfirmed policy file: " + start.output());
  }

  @Test
  void rollbackLeavesDockerUserAsBeforeAndThePortsOpenAgain() throws Exception {
    String before = filterRules();
    host = UnitHost.start(lab, tmp);
    applyConfirmed();
    assertProtected("applied");
    UnitHost.Run rollback = breakwater("rollback");
    assertThat(rollback.exit()).as(rollback.output()).isZero();
    assertThat(filterRules()).as("the filter tables as before the policy").isEqualTo(before);
    assertThat(filterRules()).contains("-A DOCKER-USER -j RETURN").doesNotContain("BREAKWATER");
    assertThat(reaches(STRANGER, 3306)).as("published ports answer everyone again, as before the policy").isTrue();
    assertThat(reaches(ALLOWED, 3306)).isTrue();
    assertThat(lab.containerConnectsOut("db", 9000).answered()).as("a container's own connection out").isTrue();
  }

  @Test
  void purgeLeavesThePolicyInForceAndSaysHowToRemoveIt() throws Exception {
    host = UnitHost.start(lab, tmp);
    applyConfirmed();
    Path postrm = Path.of("packaging/deb/postrm").toAbsolutePath();
    UnitHost.Run purge = host.run(List.of("sh", postrm.toString(), "purge"));
    assertThat(purge.exit()).as(purge.output()).isZero();
    assertThat(host.path("/var/lib/breakwater")).doesNotExist();
    assertThat(host.path(POLICY)).doesNotExist();
    assertThat(filterRules()).as("DOCKER-USER with Docker's RETURN, still jumping to the chain")
        .contains("-A DOCKER-USER -j BREAKWATER").contains("-A DOCKER-USER -j RETURN");
    assertProtected("after purge");
    assertThat(lab.containerConnectsOut("db", 9001).answered()).as("a container's own connection out").isTrue();

    // The note's commands, as an administrator would copy them.
    List<String> notes = purge.output().lines().filter(l -> l.startsWith("breakwater: the BREAKWATER chain")).toList();
    assertThat(notes).as("one per family with a chain (IPv4 only here): %s", purge.output()).isNotEmpty();
    for (String note : notes) {
      for (String command : note.substring(note.indexOf("remove it now: ") + "remove it now: ".length()).split("; ")) {
        UnitHost.Run run = host.run(Arrays.asList(command.strip().split(" ")));
        assertThat(run.exit()).as(command + ": " + run.output()).isZero();
      }
    }
    assertThat(filterRules()).doesNotContain("BREAKWATER").contains("-A DOCKER-USER -j RETURN");
    assertThat(reaches(STRANGER, 3306)).as("published ports answer everyone again, as before the policy").isTrue();
  }

  /** The confirmed policy in /etc/breakwater/policy.yml, applied without a timer (so confirmed at once), as an admin would. */
  private void applyConfirmed() throws Exception {
    Files.writeString(host.path(POLICY), CONFIRMED);
    UnitHost.Run apply = breakwater("apply", "--policy", POLICY);
    assertThat(apply.exit()).as(apply.output()).isZero();
    assertThat(Files.readString(host.path("/var/lib/breakwater/journal"))).contains("CONFIRMED");
  }

  private UnitHost.Run breakwater(String... args) {
    List<String> argv = new ArrayList<>(List.of(UnitHost.COMMAND));
    argv.addAll(List.of(args));
    return host.run(argv);
  }

  private void assertProtected(String when) {
    assertThat(reaches(ALLOWED, 3306)).as("the allowed source reaches 3306 " + when).isTrue();
    assertThat(reaches(STRANGER, 3306)).as("the stranger does not reach 3306 " + when).isFalse();
    assertThat(reaches(STRANGER, 8080)).as("8080 stays open to anyone " + when).isTrue();
  }

  static boolean reaches(String source, int port) {
    return lab.probe(List.of(new AttackerProbe.Probe(source, Lab.HOST_ADDRESS, port))).getFirst().reached();
  }

  static String filterRules() {
    return lab.onHost(List.of("iptables", "-w", "10", "-S"), Duration.ofSeconds(30)).stdout()
        + lab.onHost(List.of("ip6tables", "-w", "10", "-S"), Duration.ofSeconds(30)).stdout();
  }

  static void removeBreakwater() {
    for (String tool : List.of("iptables", "ip6tables")) {
      while (lab.onHost(List.of(tool, "-w", "10", "-D", "DOCKER-USER", "-j", "BREAKWATER"), Duration.ofSeconds(30)).exitCode() == 0) {
        // one jump at a time
      }
      lab.onHost(List.of(tool, "-w", "10", "-F", "BREAKWATER"), Duration.ofSeconds(30));
      lab.onHost(List.of(tool, "-w", "10", "-X", "BREAKWATER"), Duration.ofSeconds(30));
    }
  }

  /** A packaged unit's ExecStart and ConditionPathExists, read from packaging/ so that a change there changes the test. */
  record Unit(List<String> execStart, String condition) {
    static Unit read(String name) throws Exception {
      List<String> lines = Files.readAllLines(Path.of("packaging", name));
      List<String> exec = lines.stream().filter(l -> l.startsWith("ExecStart=")).toList();
      assertThat(exec).as(name + " has one ExecStart").hasSize(1);
      assertThat(lines).as(name + ": stopping the unit must leave the rules in force").noneMatch(l -> l.startsWith("ExecStop"));
      List<String> argv = List.of(exec.getFirst().substring("ExecStart=".length()).strip().split("\\s+"));
      assertThat(argv.getFirst()).isEqualTo(UnitHost.COMMAND);
      String condition = lines.stream().filter(l -> l.startsWith("ConditionPathExists=")).findFirst().orElseThrow()
          .substring("ConditionPathExists=".length());
      return new Unit(argv, condition);
    }
  }
}
