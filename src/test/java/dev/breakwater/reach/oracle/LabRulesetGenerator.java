package dev.breakwater.reach.oracle;

import static dev.breakwater.reach.oracle.OracleTopology.BRIDGE;
import static dev.breakwater.reach.oracle.OracleTopology.CONTAINERS;
import static dev.breakwater.reach.oracle.OracleTopology.CONTAINER_PORTS;
import static dev.breakwater.reach.oracle.OracleTopology.HOST_ADDRESSES;

import dev.breakwater.reach.oracle.LabRuleset.Target;
import dev.breakwater.reach.oracle.OracleTopology.ContainerNs;
import dev.breakwater.reach.oracle.OracleTopology.Network;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random rulesets in the shapes Docker (20.10 and 28) and UFW write, with the mistakes people
 * make by hand in DOCKER-USER and INPUT: {@code --dport} of the published port after a port
 * rewrite, drops without an ESTABLISHED return, negated sources, interface names and wildcards,
 * specific-address bindings, raw-table drops of direct routing. Pure: the same seed gives the
 * same text. Never writes a match or target the engine does not model (no unknowns), nor REJECT
 * (its ICMP answer would look like a harness fault).
 */
final class LabRulesetGenerator {
  private LabRulesetGenerator() {}

  /** Every table the lab uses, with nothing in it: the plumbing check's ruleset. */
  static final String EMPTY = """
      *raw
      :PREROUTING ACCEPT [0:0]
      :OUTPUT ACCEPT [0:0]
      COMMIT
      *mangle
      :PREROUTING ACCEPT [0:0]
      :INPUT ACCEPT [0:0]
      :FORWARD ACCEPT [0:0]
      :OUTPUT ACCEPT [0:0]
      :POSTROUTING ACCEPT [0:0]
      COMMIT
      *nat
      :PREROUTING ACCEPT [0:0]
      :INPUT ACCEPT [0:0]
      :OUTPUT ACCEPT [0:0]
      :POSTROUTING ACCEPT [0:0]
      COMMIT
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD ACCEPT [0:0]
      :OUTPUT ACCEPT [0:0]
      COMMIT
      *security
      :INPUT ACCEPT [0:0]
      :FORWARD ACCEPT [0:0]
      :OUTPUT ACCEPT [0:0]
      COMMIT
      """;

  /** Docker inserts each new network's rules above the older ones': the user network comes first. */
  private static final List<Network> NETWORKS_NEWEST_FIRST = OracleTopology.NETWORKS.reversed();

  private static final List<Integer> HOST_PORTS = List.of(80, 443, 3306, 5432, 6379, 8080, 8443, 9000, 2222, 27017);
  private static final List<Integer> INPUT_PORTS = List.of(22, 25, 80, 443, 3306, 8080, 9000);
  private static final List<String> SOURCE_SETS = List.of(
      "198.51.100.66/32", "198.51.100.67/32", "198.51.100.64/26", "198.51.100.0/24", "198.51.100.128/25",
      "198.18.5.0/24", "198.18.5.10/32", "198.19.7.0/24", "198.18.0.0/15");

  /** A published port: Docker's DNAT, its DOCKER accept and its hairpin MASQUERADE. */
  record Mapping(String bind, int hostPort, ContainerNs container, int containerPort, int rangeFirst, int rangeLast,
      String protocol) {
    Mapping(String bind, int hostPort, ContainerNs container, int containerPort) {
      this(bind, hostPort, container, containerPort, 0, 0, "tcp");
    }

    Mapping udp() {
      return new Mapping(bind, hostPort, container, containerPort, rangeFirst, rangeLast, "udp");
    }

    /** {@code -p udp -m udp} or {@code -p tcp -m tcp}. */
    String match() {
      return "-p " + protocol + " -m " + protocol;
    }

    /**
     * A published range ({@code -p 8000-9000:8000-9000}): DNAT keeps the port, and {@code
     * hostPort} is one port inside it that the containers listen on.
     */
    static Mapping range(String bind, ContainerNs container, int first, int last, int probePort) {
      return new Mapping(bind, probePort, container, probePort, first, last, "tcp");
    }

    boolean isRange() {
      return rangeFirst != 0;
    }

    String hostPortSpec() {
      return isRange() ? rangeFirst + ":" + rangeLast : String.valueOf(hostPort);
    }

    String containerPortSpec() {
      return isRange() ? rangeFirst + ":" + rangeLast : String.valueOf(containerPort);
    }

    String dnatTo() {
      return container.address() + ":" + (isRange() ? rangeFirst + "-" + rangeLast : String.valueOf(containerPort));
    }
  }

  private enum Docker { V20_10, V28 }

  static LabRuleset generate(long seed) {
    Random r = new Random(seed);
    Docker docker = r.nextBoolean() ? Docker.V28 : Docker.V20_10;
    boolean ufw = r.nextInt(10) < 6;
    List<Mapping> drawn = mappings(r);
    // The less common rules draw from a stream of their own: a seed's plain shape stays the same.
    Random trickRandom = new Random(seed ^ 0x9E3779B97F4A7C15L);
    // One published port in five is UDP (-p 53:53/udp).
    List<Mapping> mappings = new ArrayList<>();
    for (Mapping m : drawn) {
      mappings.add(trickRandom.nextInt(5) == 0 ? m.udp() : m);
    }
    // Rules added to the tricks later draw from a third stream, so the earlier tricks stay as they were.
    Random laterRandom = new Random(seed ^ 0x2545F4914F6CDD1DL);
    TrickyRules tricks = trickRandom.nextBoolean() ? new TrickyRules(trickRandom, laterRandom, mappings) : null;
    Set<Target> targets = new LinkedHashSet<>();
    for (Mapping m : mappings) {
      for (String a : HOST_ADDRESSES) {
        targets.add(new Target(a, m.hostPort(), m.protocol()));
        if (m.isRange()) {
          targets.add(new Target(a, m.hostPort() == 8080 ? 9000 : 8080, m.protocol()));
        }
      }
      targets.add(new Target(m.container().address(), m.containerPort(), m.protocol()));
    }
    for (int i = 0; i < 3; i++) {
      ContainerNs c = pick(r, CONTAINERS);
      targets.add(new Target(c.address(), pick(r, CONTAINER_PORTS)));
    }

    StringBuilder raw = new StringBuilder("*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
    for (ContainerNs c : CONTAINERS) {
      // Docker 28 drops direct routing to its containers in raw; before 28 some users did by hand.
      if (r.nextInt(100) < (docker == Docker.V28 ? 70 : 15)) {
        raw.append("-A PREROUTING -d ").append(c.address()).append("/32 ! -i ").append(c.bridge()).append(" -j DROP\n");
      }
    }
    if (tricks != null) {
      tricks.raw().forEach(rule -> raw.append(rule).append('\n'));
    }
    raw.append("COMMIT\n");
    String mangle = tricks != null ? tricks.mangle() : EMPTY.substring(EMPTY.indexOf("*mangle"), EMPTY.indexOf("*nat"));

    String nat = nat(r, docker, mappings, targets, tricks);
    List<String> inputPorts = new ArrayList<>();
    // Rules that drop the answers (SYN-ACK, UDP answer, RST) and not the first packets: a stream of their own.
    AnswerDrops answers = new AnswerDrops(new Random(seed ^ 0x5851F42D4C957F2DL), mappings);
    String filter = filter(r, docker, ufw, mappings, inputPorts, tricks, answers);
    for (String p : inputPorts) {
      int port = Integer.parseInt(p);
      targets.add(new Target(pick(r, HOST_ADDRESSES), port));
      targets.add(new Target(pick(r, HOST_ADDRESSES), port));
    }
    targets.add(new Target(pick(r, HOST_ADDRESSES), 22));
    if (tricks != null) {
      targets.add(new Target(pick(trickRandom, HOST_ADDRESSES), 53, "udp"));
      targets.add(new Target(pick(trickRandom, HOST_ADDRESSES), 3306, "udp"));
      targets.add(new Target(pick(trickRandom, CONTAINERS).address(), pick(trickRandom, CONTAINER_PORTS), "udp"));
    }
    String shape = (docker == Docker.V28 ? "docker-28" : "docker-20.10") + (ufw ? " ufw" : " plain-input")
        + (tricks != null ? " tricky" : "");
    // Now and then a destination the host's routing refuses: blackhole, prohibit, no route.
    if (trickRandom.nextInt(3) == 0) {
      targets.add(new Target(pick(trickRandom, OracleTopology.UNROUTABLE), pick(trickRandom, CONTAINER_PORTS)));
    }
    String security = tricks != null ? tricks.security() : EMPTY.substring(EMPTY.indexOf("*security"));
    // Reverse-path filtering: the far prefix and eth1's sources arrive asymmetrically, which strict mode drops.
    int rpFilter = tricks != null ? laterRandom.nextInt(3) : 0;
    // Forwarding and route_localnet, and probes to 127.0.0.1/.2 from the attacker: a stream of their own.
    Random sysctlRandom = new Random(seed ^ 0x61C8864680B583EBL);
    List<String> sysctls = LabSysctls.draw(sysctlRandom);
    if (sysctlRandom.nextInt(2) == 0 || sysctls.stream().anyMatch(s -> s.contains("route_localnet"))) {
      LabSysctls.loopbackTargets(sysctlRandom, mappings, inputPorts).forEach(targets::add);
      // A DNAT from 127.0.0.1, as Docker's for a loopback publish, at the end of nat PREROUTING:
      // the destination is rewritten before routing, so route_localnet does not decide it.
      String rule = LabSysctls.loopbackDnat(pick(sysctlRandom, CONTAINERS));
      int commit = nat.lastIndexOf("COMMIT");
      nat = nat.substring(0, commit) + rule + "\n" + nat.substring(commit);
      targets.add(new Target(OracleTopology.LOOPBACK_BY_ETH0, LabSysctls.LOOPBACK_DNAT_PORT));
    }
    return new LabRuleset(seed, shape + (rpFilter != 0 ? " rp_filter=" + rpFilter : "")
        + (sysctls.isEmpty() ? "" : " " + String.join(" ", sysctls)), raw + mangle + nat + filter + security,
        List.copyOf(targets), rpFilter, sysctls);
  }

  private static List<Mapping> mappings(Random r) {
    List<Mapping> out = new ArrayList<>();
    Set<Integer> usedHostPorts = new LinkedHashSet<>();
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      int containerPort = pick(r, CONTAINER_PORTS);
      // Half keep the port, half rewrite it (3306:80): where --dport mistakes come from.
      int hostPort = r.nextBoolean() ? containerPort : pick(r, HOST_PORTS);
      if (!usedHostPorts.add(hostPort)) {
        continue;
      }
      int b = r.nextInt(100);
      String bind = b < 65 ? "" : b < 77 ? OracleTopology.HOST_ADDRESS : b < 85 ? OracleTopology.HOST_SECOND_ADDRESS
          : b < 93 ? "127.0.0.1" : OracleTopology.BRIDGE_ADDRESS;
      out.add(new Mapping(bind, hostPort, pick(r, CONTAINERS), containerPort));
    }
    if (r.nextInt(6) == 0 && usedHostPorts.stream().noneMatch(p -> p >= 8000 && p <= 9000)) {
      out.add(Mapping.range(r.nextBoolean() ? "" : OracleTopology.HOST_ADDRESS, pick(r, CONTAINERS), 8000, 9000,
          r.nextBoolean() ? 8080 : 9000));
    }
    return out;
  }

  private static String nat(Random r, Docker docker, List<Mapping> mappings, Set<Target> targets, TrickyRules tricks) {
    StringBuilder s = new StringBuilder("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        + ":POSTROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n");
    List<String> own = tricks != null ? tricks.natPrerouting(targets) : List.of();
    // The user's own rules before Docker's jump (inserted with -I) or after it.
    boolean ownFirst = tricks != null && r.nextBoolean();
    if (ownFirst) {
      own.forEach(rule -> s.append(rule).append('\n'));
    }
    s.append("-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n");
    if (!ownFirst) {
      own.forEach(rule -> s.append(rule).append('\n'));
    }
    if (r.nextInt(5) == 0) {
      // A port forward written by hand, beside Docker's.
      ContainerNs c = pick(r, CONTAINERS);
      int port = pick(r, CONTAINER_PORTS);
      String in = r.nextBoolean() ? "-i eth0 " : "";
      s.append("-A PREROUTING ").append(in).append("-p tcp -m tcp --dport 10022 -j DNAT --to-destination ")
          .append(c.address()).append(':').append(port).append('\n');
      for (String a : HOST_ADDRESSES) {
        targets.add(new Target(a, 10022));
      }
    }
    s.append("-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER\n");
    for (Network n : NETWORKS_NEWEST_FIRST) {
      s.append("-A POSTROUTING -s ").append(n.subnet()).append(" ! -o ").append(n.bridge()).append(" -j MASQUERADE\n");
    }
    if (docker == Docker.V20_10) {
      for (Mapping m : mappings) {
        s.append("-A POSTROUTING -s ").append(m.container().address()).append("/32 -d ").append(m.container().address())
            .append("/32 ").append(m.match()).append(" --dport ").append(m.containerPortSpec()).append(" -j MASQUERADE\n");
      }
      for (Network n : NETWORKS_NEWEST_FIRST) {
        s.append("-A DOCKER -i ").append(n.bridge()).append(" -j RETURN\n");
      }
    }
    for (Mapping m : mappings) {
      s.append("-A DOCKER ");
      if (!m.bind().isEmpty()) {
        s.append("-d ").append(m.bind()).append("/32 ");
      }
      s.append("! -i ").append(m.container().bridge()).append(' ').append(m.match()).append(" --dport ").append(m.hostPortSpec())
          .append(" -j DNAT --to-destination ").append(m.dnatTo()).append('\n');
    }
    s.append("COMMIT\n");
    return s.toString();
  }

  private static String filter(Random r, Docker docker, boolean ufw, List<Mapping> mappings, List<String> inputPorts,
      TrickyRules tricks, AnswerDrops answers) {
    String inputPolicy = ufw ? (r.nextInt(5) == 0 ? "ACCEPT" : "DROP") : (r.nextInt(5) < 3 ? "ACCEPT" : "DROP");
    String forwardPolicy = r.nextInt(4) == 0 ? "ACCEPT" : "DROP";
    List<String> chains = new ArrayList<>(List.of("DOCKER", "DOCKER-ISOLATION-STAGE-1", "DOCKER-ISOLATION-STAGE-2",
        "DOCKER-USER"));
    if (docker == Docker.V28) {
      chains.addAll(List.of("DOCKER-BRIDGE", "DOCKER-CT", "DOCKER-FORWARD"));
    }
    List<String> rules = new ArrayList<>();
    // INPUT
    if (ufw) {
      chains.addAll(List.of("ufw-before-input", "ufw-user-input", "ufw-after-input", "ufw-before-forward",
          "ufw-user-forward"));
      rules.add("-A INPUT -j ufw-before-input");
      rules.add("-A INPUT -j ufw-user-input");
      rules.add("-A INPUT -j ufw-after-input");
      rules.add("-A ufw-before-input -i lo -j ACCEPT");
      rules.add("-A ufw-before-input -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
      rules.add("-A ufw-before-input -m conntrack --ctstate INVALID -j DROP");
      rules.add("-A ufw-before-input -p icmp -m icmp --icmp-type 8 -j ACCEPT");
      int n = 1 + r.nextInt(5);
      for (int i = 0; i < n; i++) {
        int port = pick(r, INPUT_PORTS);
        inputPorts.add(String.valueOf(port));
        String src = r.nextInt(3) == 0 ? "-s " + pick(r, SOURCE_SETS) + " " : "";
        rules.add("-A ufw-user-input " + src + "-p tcp -m tcp --dport " + port + " -j " + (r.nextInt(4) == 0 ? "DROP" : "ACCEPT"));
      }
      if (r.nextBoolean()) {
        rules.add("-A ufw-after-input -p tcp -m tcp --dport 25 -j DROP");
      }
      if (tricks != null) {
        rules.addAll(tricks.input("ufw-user-input"));
      }
    } else {
      if (r.nextBoolean()) {
        rules.add("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
      }
      int n = r.nextInt(5);
      for (int i = 0; i < n; i++) {
        int port = pick(r, INPUT_PORTS);
        inputPorts.add(String.valueOf(port));
        rules.add("-A INPUT " + iface(r) + source(r) + "-p tcp -m tcp --dport " + port + " -j " + (r.nextBoolean() ? "DROP" : "ACCEPT"));
      }
      if (tricks != null) {
        rules.addAll(tricks.input("INPUT"));
      }
    }
    if (r.nextInt(5) == 0) {
      // fail2ban's chain, hooked into INPUT (its default: it does not protect containers).
      chains.add("f2b-sshd");
      int firstInput = 0;
      while (firstInput < rules.size() && !rules.get(firstInput).startsWith("-A INPUT")) {
        firstInput++;
      }
      rules.add(Math.min(firstInput, rules.size()), "-A INPUT -p tcp -m tcp --dport 22 -j f2b-sshd");
      rules.add("-A f2b-sshd -s " + pick(r, List.of("198.51.100.66/32", "198.51.100.67/32", "198.18.5.10/32")) + " -j DROP");
      rules.add("-A f2b-sshd -j RETURN");
    }

    // FORWARD: Docker inserts its jumps first; UFW's come after.
    if (tricks != null) {
      rules.addAll(tricks.forwardFirst());
    }
    rules.add("-A FORWARD -j DOCKER-USER");
    // Inserted with -I DOCKER-USER: before everything Docker and the generator put there.
    rules.addAll(answers.dockerUser());
    if (docker == Docker.V28) {
      rules.add("-A FORWARD -j DOCKER-FORWARD");
    } else {
      rules.add("-A FORWARD -j DOCKER-ISOLATION-STAGE-1");
      for (Network n : NETWORKS_NEWEST_FIRST) {
        String br = n.bridge();
        rules.add("-A FORWARD -o " + br + " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
        rules.add("-A FORWARD -o " + br + " -j DOCKER");
        if (!answers.withoutOutgoingAccept()) {
          rules.add("-A FORWARD -i " + br + " ! -o " + br + " -j ACCEPT");
        }
        rules.add("-A FORWARD -i " + br + " -o " + br + " -j ACCEPT");
      }
    }
    if (tricks != null && r.nextBoolean()) {
      // Seen only by what Docker's chains let fall through: direct routing, not published ports.
      rules.add("-A FORWARD -o " + BRIDGE + " -m conntrack --ctstate DNAT -j ACCEPT");
    }
    if (ufw) {
      rules.add("-A FORWARD -j ufw-before-forward");
      rules.add("-A FORWARD -j ufw-user-forward");
      rules.add("-A ufw-before-forward -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
      if (r.nextBoolean()) {
        // "ufw route allow": only seen by what Docker's chains let fall through.
        ContainerNs c = pick(r, CONTAINERS);
        rules.add("-A ufw-user-forward " + source(r) + "-d " + c.address() + "/32 -p tcp -m tcp --dport "
            + pick(r, CONTAINER_PORTS) + " -j ACCEPT");
      }
    }
    for (Mapping m : mappings) {
      rules.add("-A DOCKER -d " + m.container().address() + "/32 ! -i " + m.container().bridge() + " -o " + m.container().bridge()
          + " " + m.match() + " --dport " + m.containerPortSpec() + " -j ACCEPT");
    }
    if (docker == Docker.V28) {
      for (Network n : NETWORKS_NEWEST_FIRST) {
        rules.add("-A DOCKER ! -i " + n.bridge() + " -o " + n.bridge() + " -j DROP");
        rules.add("-A DOCKER-BRIDGE -o " + n.bridge() + " -j DOCKER");
        rules.add("-A DOCKER-CT -o " + n.bridge() + " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
      }
      rules.add("-A DOCKER-FORWARD -j DOCKER-CT");
      rules.add("-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1");
      rules.add("-A DOCKER-FORWARD -j DOCKER-BRIDGE");
      for (Network n : NETWORKS_NEWEST_FIRST) {
        if (!answers.withoutOutgoingAccept()) {
          rules.add("-A DOCKER-FORWARD -i " + n.bridge() + " -j ACCEPT");
        }
      }
    }
    for (Network n : NETWORKS_NEWEST_FIRST) {
      rules.add("-A DOCKER-ISOLATION-STAGE-1 -i " + n.bridge() + " ! -o " + n.bridge() + " -j DOCKER-ISOLATION-STAGE-2");
    }
    rules.add("-A DOCKER-ISOLATION-STAGE-1 -j RETURN");
    for (Network n : NETWORKS_NEWEST_FIRST) {
      rules.add("-A DOCKER-ISOLATION-STAGE-2 -o " + n.bridge() + " -j DROP");
    }
    rules.add("-A DOCKER-ISOLATION-STAGE-2 -j RETURN");
    dockerUser(r, mappings, chains, rules, tricks);
    if (docker == Docker.V20_10) {
      rules.add("-A DOCKER-USER -j RETURN");
    }

    rules.addAll(answers.output());
    StringBuilder s = new StringBuilder("*filter\n");
    s.append(":INPUT ").append(inputPolicy).append(" [0:0]\n");
    s.append(":FORWARD ").append(forwardPolicy).append(" [0:0]\n");
    s.append(":OUTPUT ACCEPT [0:0]\n");
    for (String c : chains) {
      s.append(':').append(c).append(" - [0:0]\n");
    }
    for (String rule : rules) {
      s.append(rule).append('\n');
    }
    s.append("COMMIT\n");
    return s.toString();
  }

  /** The user's policy in DOCKER-USER: where the mistakes are. */
  private static void dockerUser(Random r, List<Mapping> mappings, List<String> chains, List<String> rules,
      TrickyRules tricks) {
    String chain = "DOCKER-USER";
    if (r.nextInt(4) == 0) {
      // A chain of the user's own, reached from DOCKER-USER for the outside interface only.
      chains.add("BW-POLICY");
      rules.add("-A DOCKER-USER " + iface(r) + "-j BW-POLICY");
      chain = "BW-POLICY";
    }
    if (r.nextInt(5) < 2) {
      rules.add("-A " + chain + " -m conntrack --ctstate RELATED,ESTABLISHED -j " + (r.nextBoolean() ? "RETURN" : "ACCEPT"));
    }
    if (tricks != null && r.nextInt(3) == 0) {
      rules.add(tricks.log(chain));
    }
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      StringBuilder rule = new StringBuilder("-A ").append(chain).append(' ').append(iface(r)).append(source(r));
      if (r.nextInt(5) == 0) {
        rule.append("-d ").append(pick(r, CONTAINERS).address()).append("/32 ");
      }
      int portKind = r.nextInt(10);
      if (tricks != null && r.nextBoolean()) {
        rule.append(tricks.dockerUserMatch());
      } else if (portKind < 7 && !mappings.isEmpty()) {
        Mapping m = pick(r, mappings);
        // The published port or the container's: after DNAT only the container's matches --dport.
        int port = r.nextBoolean() ? m.hostPort() : m.containerPort();
        if (portKind < 3) {
          rule.append(m.match()).append(" --dport ").append(port).append(' ');
        } else {
          rule.append("-p ").append(m.protocol()).append(" -m conntrack --ctorigdstport ").append(port)
              .append(r.nextInt(4) == 0 ? " " : " --ctdir ORIGINAL ");
        }
      } else if (portKind < 8) {
        rule.append("-p tcp -m tcp --dport ").append(pick(r, CONTAINER_PORTS)).append(' ');
      }
      int t = r.nextInt(20);
      rule.append("-j ").append(t < 9 ? "DROP" : t < 14 ? "ACCEPT" : "RETURN");
      rules.add(rule.toString());
    }
    if (chain.equals("BW-POLICY") && r.nextBoolean()) {
      rules.add("-A BW-POLICY -j " + (r.nextBoolean() ? "DROP" : "RETURN"));
    }
  }

  /**
   * Rules a host really has that drop only what comes back: the answers to connections the first
   * packet opened (DOCKER-USER's {@code -i docker0 -o eth0 -j DROP}, an OUTPUT drop by the
   * listener's port, Docker's outgoing accept missing under a FORWARD policy DROP). Drawn for one
   * seed in three; none tests UDP only (a UDP answer to a closed host port is an ICMP error, which
   * such a rule would not see).
   */
  private static final class AnswerDrops {
    private final List<String> dockerUser = new ArrayList<>();
    private final List<String> output = new ArrayList<>();
    private final boolean withoutOutgoingAccept;

    AnswerDrops(Random r, List<Mapping> mappings) {
      boolean any = r.nextInt(3) == 0;
      withoutOutgoingAccept = any && r.nextInt(4) == 0;
      if (!any) {
        return;
      }
      int n = 1 + r.nextInt(2);
      for (int i = 0; i < n; i++) {
        switch (r.nextInt(7)) {
          case 0 -> dockerUser.add("-A DOCKER-USER -i " + pick(r, List.of(BRIDGE, "docker+")) + " -o "
              + pick(r, List.of("eth0", "eth1", "eth+")) + " -j DROP");
          case 1 -> {
            ContainerNs c = mappings.isEmpty() ? pick(r, CONTAINERS) : pick(r, mappings).container();
            dockerUser.add("-A DOCKER-USER -s " + c.address() + "/32 -p tcp -m tcp --sport "
                + (mappings.isEmpty() || r.nextBoolean() ? pick(r, CONTAINER_PORTS) : pick(r, mappings).containerPort())
                + " -j DROP");
          }
          // The client's port is the sender's choice: a drop of answers to some ports leaves it others.
          case 2 -> dockerUser.add("-A DOCKER-USER -i " + BRIDGE + " -p tcp -m tcp --dport "
              + pick(r, List.of("1024:65535", "1:1023", "4443", "40000:60000")) + " -j DROP");
          case 3 -> dockerUser.add("-A DOCKER-USER -d " + pick(r, List.of("198.51.100.66/32", "198.18.5.0/24", "198.19.7.66/32"))
              + " -i " + pick(r, List.of(BRIDGE, "docker+", "br-+")) + " -j DROP");
          case 4 -> output.add("-A OUTPUT -o " + pick(r, List.of("eth0", "eth1", "eth+")) + " -p tcp -m tcp --sport "
              + pick(r, List.of(22, 25, 80, 443, 3306, 8080, 9000)) + " -j DROP");
          case 5 -> output.add("-A OUTPUT -p tcp -m tcp --dport " + pick(r, List.of("1024:65535", "4443", "1:1023"))
              + " -m conntrack --ctstate ESTABLISHED -j DROP");
          default -> output.add("-A OUTPUT -d " + pick(r, List.of("198.51.100.67/32", "198.18.5.0/24")) + " -p tcp -j DROP");
        }
      }
    }

    List<String> dockerUser() {
      return dockerUser;
    }

    List<String> output() {
      return output;
    }

    /** Docker's accept of what leaves its bridges left out, as a hand-written FORWARD sometimes is. */
    boolean withoutOutgoingAccept() {
      return withoutOutgoingAccept;
    }
  }

  private static String iface(Random r) {
    return switch (r.nextInt(10)) {
      case 0, 1, 2 -> "";
      case 3, 4, 5 -> "-i eth0 ";
      case 6, 7 -> "-i eth+ ";
      case 8 -> "! -i " + BRIDGE + " ";
      default -> "-i eth1 ";
    };
  }

  private static String source(Random r) {
    return switch (r.nextInt(3)) {
      case 0 -> "";
      case 1 -> "-s " + pick(r, SOURCE_SETS) + " ";
      default -> "! -s " + pick(r, SOURCE_SETS) + " ";
    };
  }

  private static <T> T pick(Random r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }
}
