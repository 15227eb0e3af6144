package dev.breakwater.lab;

import static dev.breakwater.lab.Lab.ATTACKER_ADDRESSES;
import static dev.breakwater.lab.Lab.ATTACKER_NS;
import static dev.breakwater.lab.Lab.HOST_ADDRESS;
import static dev.breakwater.lab.Lab.HOST_ADDRESS_V6;
import static dev.breakwater.lab.Lab.OUTSIDE_INTERFACE;
import static dev.breakwater.lab.Lab.OUTSIDE_REPLY;
import static dev.breakwater.lab.LabHost.COMMAND_TIMEOUT;
import static dev.breakwater.lab.LabHost.check;

import dev.breakwater.system.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Traffic across the lab's "internet": the attacker's probes to the lab host (a JVM running
 * {@link AttackerProbe} in the attacker's namespace), the loopback-as-neighbour probe, and a
 * container's own connection out to a listener on the attacker's side.
 */
final class LabTraffic {
  private static final Pattern CONTAINER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  private final Path root;
  private final LabHost host;
  private final CommandRunner attacker = CommandRunner.inNetns(ATTACKER_NS);

  LabTraffic(Path root, LabHost host) {
    this.root = root;
    this.host = host;
  }

  List<AttackerProbe.Result> probe(List<AttackerProbe.Probe> probes) {
    LabNetwork.requireAttacker();
    for (AttackerProbe.Probe p : probes) {
      if (!p.target().equals(HOST_ADDRESS) && !p.target().equals(HOST_ADDRESS_V6)) {
        throw new IllegalArgumentException("probes go to the lab host only, not " + p.target());
      }
    }
    return runProbes(probes);
  }

  private List<AttackerProbe.Result> runProbes(List<AttackerProbe.Probe> probes) {
    return AttackerProbe.from(attacker, probes);
  }

  AttackerProbe.Result probeLoopbackAsNeighbour(int port) {
    LabNetwork.requireAttacker();
    AttackerProbe.routeLoopbackTo(attacker, OUTSIDE_INTERFACE, HOST_ADDRESS, ATTACKER_ADDRESSES.getFirst());
    return runProbes(List.of(new AttackerProbe.Probe(ATTACKER_ADDRESSES.getFirst(), "127.0.0.1", port))).getFirst();
  }

  List<AttackerProbe.Result> probeEveryPublishedPort() {
    TreeSet<Integer> ports = new TreeSet<>();
    for (JsonNode c : host.docker().listContainers(false)) {
      for (JsonNode p : c.path("Ports")) {
        if (p.has("PublicPort") && p.path("Type").asString("").equals("tcp")) {
          ports.add(p.path("PublicPort").asInt());
        }
      }
    }
    List<AttackerProbe.Probe> probes = new ArrayList<>();
    for (int port : ports) {
      for (String source : ATTACKER_ADDRESSES) {
        probes.add(new AttackerProbe.Probe(source, source.contains(":") ? HOST_ADDRESS_V6 : HOST_ADDRESS, port));
      }
    }
    return probe(probes);
  }

  /** See {@link Lab#containerConnectsOut}; the caller has checked that the lab is up. */
  Lab.OutboundResult containerConnectsOut(String container, int port) {
    if (!CONTAINER_NAME.matcher(container).matches()) {
      throw new IllegalArgumentException("not a container name: " + container);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("not a TCP port: " + port);
    }
    String target = ATTACKER_ADDRESSES.getFirst();
    String address = host.docker().inspect(container).path("NetworkSettings").path("IPAddress").asString("?");
    Process listener = attacker.startDetached(List.of("busybox", "nc", "-l", "-p", Integer.toString(port), "-e", "echo", OUTSIDE_REPLY),
        root.resolve("outside-listener.log"));
    try {
      awaitListening(port, listener);
      CommandRunner.Result result = host.docker(List.of("exec", container, "nc", "-w", "3", target, Integer.toString(port)));
      String reply = result.stdout().lines().findFirst().orElse("").strip();
      return new Lab.OutboundResult(container, address, target, port, reply);
    } finally {
      LabProcesses.kill(listener);
    }
  }

  private void awaitListening(int port, Process listener) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline && listener.isAlive()) {
      CommandRunner.Result ss = attacker.run(List.of("ss", "-Hltn", "sport", "=", ":" + port), COMMAND_TIMEOUT);
      if (ss.ok() && !ss.stdout().isBlank()) {
        return;
      }
      LabProcesses.sleep(50);
    }
    throw new LabException("the listener in " + ATTACKER_NS + " did not start listening on port " + port);
  }
}
