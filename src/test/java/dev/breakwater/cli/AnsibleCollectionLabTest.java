package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.docker.TestDockerd;
import dev.breakwater.system.CommandRunner;
import dev.breakwater.system.RootCheck;
import dev.breakwater.system.TestNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Ansible collection (ansible/breakwater) driven by Debian's ansible-playbook over SSH, against
 * a fleet of three lab hosts. Each host is a network namespace with its own sshd (its own host key,
 * an authorized key, options that use no system config, in its own UTS namespace so that it has
 * its own hostname), UFW (default deny incoming, 22/tcp allowed) and dockerd publishing
 * {@code -p 3306:3306}, in a private mount namespace; Breakwater on the hosts is this checkout's
 * launcher (the namespaces share the filesystem). The controller is a namespace too: a bridge joins
 * it (198.51.100.2, the allowed source) to the hosts' eth0 and to a stranger (198.51.100.99).
 *
 * <pre>
 *   controller ns: br0 198.51.100.2 (ansible-playbook, the office) --+-- lab-1 eth0 198.51.100.11
 *   stranger ns:   eth0 198.51.100.99 ---------------------------------+-- lab-2 eth0 198.51.100.12
 *                                                                      +-- lab-3 eth0 198.51.100.13
 * </pre>
 *
 * The story: the fleet playbook fetches a snapshot per host and its audit fails the play on the
 * critical 3306 found on all three; enforce stops at lab-1, whose plan is not proved (a rule in front
 * of Docker's chains accepts 3306), and leaves lab-2 and lab-3 as they were; with that rule gone,
 * enforce closes 3306 to the stranger on every host, keeps the office in, and each host's rollback
 * timer later finds its change confirmed; the same playbook again changes nothing, and the audit
 * passes.
 */
@Tag("lab")
class AnsibleCollectionLabTest {
  private static final Path CHECKOUT = Path.of("").toAbsolutePath();
  private static final Path COLLECTION = CHECKOUT.resolve("ansible/breakwater");
  private static final String OFFICE = "198.51.100.2";
  private static final String STRANGER = "198.51.100.99";
  private static final List<String> NAMES = List.of("lab-1", "lab-2", "lab-3");
  private static final String STRAY_ACCEPT = "-p tcp --dport 3306 -j ACCEPT";
  private static final Duration PLAYBOOK = Duration.ofMinutes(20);

  @TempDir Path tmp;

  /** One lab host: its namespaces, sshd and dockerd, and its own directory. */
  record FleetHost(String name, String address, TestNamespace ns, Path root, Process holder, Process dockerd, Process sshd) {
    Path socket() {
      return root.resolve("docker.sock");
    }

    Path stateDir() {
      return root.resolve("state");
    }
  }

  @Test
  void snapshotsAuditsAndEnforcesAFleetOfThreeOverSsh() throws Exception {
    RootCheck.assumeRoot("needs root for network namespaces, sshd and dockerd");
    for (String tool : List.of("ansible-playbook", "sshd", "ssh-keygen")) {
      if (CommandRunner.find(tool).isEmpty() && !Files.isExecutable(Path.of("/usr/sbin", tool))) {
        String why = "skipped: " + tool + " not found (apt-get install ansible openssh-server, as .ci/run does)";
        System.err.println(why);
        Assumptions.abort(why);
      }
    }
    dev.breakwater.policy.Required.that(List.of("dockerd", "docker", "ufw", "busybox", "nsenter", "unshare").stream()
        .allMatch(t -> CommandRunner.find(t).isPresent()), "needs docker.io, ufw, busybox-static, util-linux");
    // Built once here: the hosts must not all start a Maven build of the checkout at once.
    CommandRunner.Result built = CommandRunner.local().run(List.of(CHECKOUT.resolve("breakwater").toString(), "--version"), Duration.ofMinutes(15));
    assertThat(built.ok()).as("./breakwater --version: " + built.stderr()).isTrue();

    keygen("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", tmp.resolve("host_key").toString());
    keygen("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", tmp.resolve("id").toString());
    Files.copy(tmp.resolve("id.pub"), tmp.resolve("authorized_keys"));
    // sshd refuses to start without its privilege separation directory (the package makes it at boot).
    Path privsep = Path.of("/run/sshd");
    boolean madePrivsep = !Files.isDirectory(privsep);
    if (madePrivsep) {
      Files.createDirectories(privsep);
    }
    List<FleetHost> hosts = new ArrayList<>();
    try (TestNamespace controller = new TestNamespace(); TestNamespace stranger = new TestNamespace()) {
      try {
        controller.ip("link", "add", "br0", "type", "bridge");
        controller.ip("addr", "add", OFFICE + "/24", "dev", "br0");
        controller.ip("link", "set", "br0", "up");
        controller.ip("link", "set", "lo", "up");
        join(controller, stranger, "s0", STRANGER);
        for (int i = 0; i < NAMES.size(); i++) {
          hosts.add(startHost(controller, NAMES.get(i), "198.51.100.1" + (i + 1)));
        }
        for (FleetHost host : hosts) {
          waitUntil(() -> reaches(controller, host) && reaches(stranger, host), host.name() + ": 3306 answers everyone before the policy");
        }
        Path work = writeAnsibleFiles(hosts);

        // 1. Snapshots fetched to the controller; the fleet audit fails the play on the critical 3306.
        Run fleet = ansible(controller, work, "breakwater.breakwater.fleet", "-e", "breakwater_audit_fail_on=critical");
        assertThat(fleet.exit()).as(fleet.out()).isEqualTo(2);
        assertThat(fleet.out()).contains("breakwater audit: 3 of 3 hosts have findings at or above critical: lab-1, lab-2, lab-3");
        for (FleetHost host : hosts) {
          Path snapshot = work.resolve("snapshots").resolve(host.name());
          assertThat(Files.readString(snapshot.resolve("hostname")).strip()).as("the snapshot was taken on " + host.name()).isEqualTo(host.name());
          assertThat(Files.readString(snapshot.resolve("ip-addr.json"))).contains(host.address());
          assertThat(Files.readString(snapshot.resolve("iptables-save.txt"))).contains(":ufw-user-input", ":DOCKER-USER");
          assertThat(Files.readString(snapshot.resolve("docker-inspect.json"))).contains("\"3306/tcp\"");
          assertThat(work.resolve("snapshots/.archives").resolve(host.name() + ".tar")).isRegularFile();
        }
        JsonNode report = JsonMapper.builder().build().readTree(Files.readString(work.resolve("snapshots/.fleet-report.json")));
        assertThat(report.path("hostCount").asInt()).isEqualTo(3);
        assertThat(report.path("audited").asInt()).isEqualTo(3);
        assertThat(report.path("worst").asString()).isEqualTo("critical");
        List<String> reported = new ArrayList<>();
        report.path("hosts").forEach(h -> reported.add(h.path("host").asString() + ":" + h.path("worst").asString()));
        assertThat(reported).containsExactlyInAnyOrder("lab-1:critical", "lab-2:critical", "lab-3:critical");
        JsonNode shared = report.path("shared").path(0);
        assertThat(shared.path("hostPort").asInt()).isEqualTo(3306);
        assertThat(shared.path("reach").asString()).isEqualTo("anywhere");
        assertThat(shared.path("hosts").size()).isEqualTo(3);

        // 2. lab-1's plan is not proved (a rule in front of Docker's chains accepts 3306 from
        // everyone): the rollout stops there, and no host is changed.
        FleetHost first = hosts.getFirst();
        first.ns().run(argv("iptables -I FORWARD 1 " + STRAY_ACCEPT), "");
        Run stopped = ansible(controller, work, "breakwater.breakwater.enforce");
        assertThat(stopped.exit()).as(stopped.out()).isNotZero();
        assertThat(stopped.out()).contains("fatal: [lab-1]").doesNotContain("[lab-2]").doesNotContain("[lab-3]");
        for (FleetHost host : hosts) {
          assertThat(reaches(stranger, host)).as(host.name() + " is as it was: the stranger still gets in").isTrue();
          assertThat(host.stateDir().resolve("applied-v4.rules")).as(host.name() + " applied nothing").doesNotExist();
        }

        // 3. With the stray rule gone, every host is closed to the stranger and open to the office.
        first.ns().run(argv("iptables -D FORWARD " + STRAY_ACCEPT), "");
        Run enforce = ansible(controller, work, "breakwater.breakwater.enforce");
        assertThat(enforce.exit()).as(enforce.out()).isZero();
        for (FleetHost host : hosts) {
          assertThat(enforce.recap(host.name())).as(enforce.out()).containsEntry("failed", 0).containsEntry("unreachable", 0);
          assertThat(reaches(stranger, host)).as(host.name() + ": the stranger is cut").isFalse();
          assertThat(reaches(controller, host)).as(host.name() + ": the office still gets in").isTrue();
          assertThat(host.stateDir().resolve("pending")).as(host.name() + " confirmed").doesNotExist();
        }
        // One host per batch, in the inventory's order: lab-1 confirmed before lab-2 applied, and so on.
        assertThat(enforce.out()).containsSubsequence("changed: [lab-1]", "PLAY [", "changed: [lab-2]", "PLAY [", "changed: [lab-3]");

        // 4. Enforce again changes nothing; the fleet audit now passes at critical.
        Run again = ansible(controller, work, "breakwater.breakwater.enforce");
        assertThat(again.exit()).as(again.out()).isZero();
        for (FleetHost host : hosts) {
          assertThat(again.recap(host.name())).as(again.out()).containsEntry("changed", 0).containsEntry("failed", 0);
        }
        Run clean = ansible(controller, work, "breakwater.breakwater.fleet", "-e", "breakwater_audit_fail_on=critical");
        assertThat(clean.exit()).as(clean.out()).isZero();
        JsonNode after = JsonMapper.builder().build().readTree(Files.readString(work.resolve("snapshots/.fleet-report.json")));
        assertThat(after.path("worst").asString()).isNotEqualTo("critical");

        // 5. Each rollback timer ran out and found its change confirmed; the policy is still in force.
        for (FleetHost host : hosts) {
          Path log = host.stateDir().resolve("rollback-timer.log");
          // The journal's words for a timer whose change was confirmed (ChangeJournal.rollback).
          waitUntil(() -> read(log).matches("(?s).*nothing to roll back \\(change #\\d+ is confirmed\\).*"),
              host.name() + "'s timer stood down");
          assertThat(read(log)).doesNotContain("rolling back");
          assertThat(reaches(stranger, host)).as(host.name() + ": still closed after the window").isFalse();
        }
      } finally {
        for (FleetHost host : hosts) {
          stop(host);
        }
      }
    } finally {
      if (madePrivsep) {
        Files.deleteIfExists(privsep);
      }
    }
  }

  /** A veth from {@code controller}'s bridge into {@code other} (its eth0 at {@code address}), born in both namespaces. */
  private static void join(TestNamespace controller, TestNamespace other, String bridgePort, String address) {
    controller.ip("link", "add", bridgePort, "type", "veth", "peer", "name", "eth0", "netns", other.name);
    controller.ip("link", "set", bridgePort, "master", "br0", "up");
    other.ip("addr", "add", address + "/24", "dev", "eth0");
    other.ip("link", "set", "eth0", "up");
    other.ip("link", "set", "lo", "up");
  }

  private FleetHost startHost(TestNamespace controller, String name, String address) throws Exception {
    TestNamespace ns = new TestNamespace();
    Path root = Files.createDirectories(tmp.resolve(name));
    Process holder = null;
    Process dockerd = null;
    try {
      join(controller, ns, "p" + name.substring(name.length() - 1), address);
      ns.ip("route", "add", "default", "via", OFFICE);
      holder = TestDockerd.mountHolder();
      Path mnt = Path.of(TestDockerd.mountNamespace(holder));
      // UFW on copies of its files, bind-mounted in the host's mount namespace (as the lab's LabHost does).
      for (String[] bind : new String[][] {{"/etc/ufw", "etc-ufw"}, {"/lib/ufw", "lib-ufw"}, {"/etc/default/ufw", "default-ufw"}}) {
        TestNamespace.host(List.of("cp", "-a", "--", bind[0], root.resolve(bind[1]).toString()));
        TestNamespace.host(List.of("nsenter", "--mount=" + mnt, "mount", "--bind", root.resolve(bind[1]).toString(), bind[0]));
      }
      for (String ufw : List.of("ufw --force reset", "ufw default deny incoming", "ufw default allow outgoing",
          "ufw default deny routed", "ufw allow 22/tcp", "ufw --force enable")) {
        ns.run(mnt, argv(ufw));
      }
      Files.writeString(root.resolve("daemon.json"), TestDockerd.IPV4_DAEMON_JSON);
      dockerd = TestDockerd.start(root, root.resolve("docker.sock"), mnt.toString(), ns);
      TestDockerd.importImage(root, root.resolve("docker.sock"));
      TestDockerd.docker(root.resolve("docker.sock"), "run", "-d", "--name", "db", "-p", "3306:3306", TestDockerd.IMAGE,
          "nc", "-ll", "-p", "3306", "-e", "echo", "db-" + name);
      // Its own UTS namespace, so that `hostname` on this host says its name.
      List<String> sshd = ns.runner().withMountNamespace(mnt).command(List.of("unshare", "--uts", "--", "/bin/sh", "-c",
          "hostname \"$0\" && exec \"$@\"", name, sshdPath().toString(), "-D", "-e", "-f", "/dev/null",
          "-h", tmp.resolve("host_key").toString(), "-o", "ListenAddress=" + address,
          "-o", "AuthorizedKeysFile=" + tmp.resolve("authorized_keys"), "-o", "StrictModes=no",
          "-o", "PidFile=" + root.resolve("sshd.pid"), "-o", "PermitRootLogin=prohibit-password",
          "-o", "PasswordAuthentication=no", "-o", "KbdInteractiveAuthentication=no", "-o", "UsePAM=no",
          "-o", "Subsystem=sftp internal-sftp"));
      Process sshdProcess = new ProcessBuilder(sshd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("sshd.log").toFile())).start();
      FleetHost host = new FleetHost(name, address, ns, root, holder, dockerd, sshdProcess);
      waitUntil(() -> read(root.resolve("sshd.log")).contains("Server listening"), name + ": sshd listens (" + root.resolve("sshd.log") + ")");
      return host;
    } catch (Exception | AssertionError e) {
      TestDockerd.stop(dockerd, holder, root.resolve("docker.sock"), List.of("db"));
      ns.close();
      throw e;
    }
  }

  private static void stop(FleetHost host) throws InterruptedException {
    host.sshd().descendants().forEach(ProcessHandle::destroy);
    host.sshd().destroy();
    TestDockerd.stop(host.dockerd(), host.holder(), host.socket(), List.of("db"));
    host.ns().close();
  }

  private static Path sshdPath() {
    return CommandRunner.find("sshd").orElse(Path.of("/usr/sbin/sshd"));
  }

  /** The inventory (one entry per lab host), ansible.cfg, the policy and the collection's place. */
  private Path writeAnsibleFiles(List<FleetHost> hosts) throws IOException {
    Path work = Files.createDirectories(tmp.resolve("controller"));
    Path collections = Files.createDirectories(work.resolve("collections/ansible_collections/breakwater"));
    Files.createSymbolicLink(collections.resolve("breakwater"), COLLECTION);
    Files.createDirectories(work.resolve("home"));
    Files.writeString(work.resolve("ansible.cfg"), """
        [defaults]
        collections_path = %1$s/collections
        host_key_checking = False
        local_tmp = %1$s/ansible-local
        interpreter_python = /usr/bin/python3
        retry_files_enabled = False
        forks = 5
        [ssh_connection]
        control_path_dir = %1$s/cp
        ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o IdentitiesOnly=yes
        """.formatted(work));
    Files.writeString(work.resolve("policy.yml"), """
        default: deny
        allow:
          - port: 3306/tcp
            from: [%s]
        """.formatted(OFFICE));
    StringBuilder inventory = new StringBuilder("docker_hosts:\n  hosts:\n");
    for (FleetHost host : hosts) {
      inventory.append("""
              %s:
                ansible_host: %s
                breakwater_environment: {DOCKER_HOST: "unix://%s", BREAKWATER_STATE_DIR: "%s"}
                breakwater_snapshot_options: [--daemon-json, "%s"]
                breakwater_policy_path: "%s"
          """.formatted(host.name(), host.address(), host.socket(), host.stateDir(), host.root().resolve("daemon.json"),
          host.root().resolve("policy.yml")));
    }
    inventory.append("""
          vars:
            ansible_user: root
            ansible_ssh_private_key_file: "%s"
            breakwater_become: false
            breakwater_command: "%s"
            breakwater_controller_command: "%s"
            breakwater_snapshot_dir: "%s"
            breakwater_policy: "%s"
            breakwater_confirm_within: 45s
            breakwater_reconnect_timeout: 30
        """.formatted(tmp.resolve("id"), CHECKOUT.resolve("breakwater"), CHECKOUT.resolve("breakwater"), work.resolve("snapshots"),
        work.resolve("policy.yml")));
    Files.writeString(work.resolve("inventory.yml"), inventory.toString());
    return work;
  }

  /** What ansible-playbook printed and how it exited. */
  record Run(int exit, String out) {
    private static final Pattern RECAP = Pattern.compile("(\\w+)=(\\d+)");

    /** The PLAY RECAP counts of {@code host} ({@code ok}, {@code changed}, {@code failed} ...). */
    Map<String, Integer> recap(String host) {
      String tail = out.substring(out.lastIndexOf("PLAY RECAP"));
      Matcher line = Pattern.compile("(?m)^" + Pattern.quote(host) + "\\s+:(.*)$").matcher(tail);
      assertThat(line.find()).as("a recap line for " + host + " in\n" + tail).isTrue();
      Map<String, Integer> counts = new java.util.HashMap<>();
      Matcher m = RECAP.matcher(line.group(1));
      while (m.find()) {
        counts.put(m.group(1), Integer.parseInt(m.group(2)));
      }
      return counts;
    }
  }

  /** {@code ansible-playbook -i inventory.yml PLAYBOOK ARGS} inside the controller's namespace. */
  private static Run ansible(TestNamespace controller, Path work, String playbook, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("ansible-playbook", "-i", work.resolve("inventory.yml").toString(), playbook));
    argv.addAll(List.of(args));
    Path log = Files.createTempFile(work, "ansible-", ".log");
    ProcessBuilder builder = new ProcessBuilder(controller.command(argv)).directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(Map.of("HOME", work.resolve("home").toString(), "ANSIBLE_CONFIG", work.resolve("ansible.cfg").toString(),
        "ANSIBLE_NOCOLOR", "1", "ANSIBLE_FORCE_COLOR", "0"));
    Process process = builder.start();
    if (!process.waitFor(PLAYBOOK.toSeconds(), TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("ansible-playbook " + playbook + " did not finish in " + PLAYBOOK + ":\n" + read(log));
    }
    String out = read(log);
    System.out.println(out);
    return new Run(process.exitValue(), out);
  }

  /** Whether a TCP connection from {@code from} to {@code host}'s 3306 gets the container's banner. */
  private static boolean reaches(TestNamespace from, FleetHost host) {
    CommandRunner.Result result = from.runner().run(List.of("busybox", "nc", "-w", "2", host.address(), "3306"), "", Duration.ofSeconds(10));
    return result.stdout().contains("db-" + host.name());
  }

  private static List<String> argv(String words) {
    return List.of(words.split(" "));
  }

  private static void keygen(String... argv) {
    TestNamespace.host(List.of(argv));
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }
}
