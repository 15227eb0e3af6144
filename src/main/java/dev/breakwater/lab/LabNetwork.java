package dev.breakwater.lab;

import static dev.breakwater.lab.Lab.ATTACKER_ADDRESSES;
import static dev.breakwater.lab.Lab.ATTACKER_NS;
import static dev.breakwater.lab.Lab.HOST_ADDRESS;
import static dev.breakwater.lab.Lab.HOST_ADDRESS_V6;
import static dev.breakwater.lab.Lab.HOST_NS;
import static dev.breakwater.lab.Lab.OUTSIDE_INTERFACE;

import dev.breakwater.problem.EnvironmentProblem;
import java.util.List;
import java.util.function.Consumer;

/**
 * The lab's network: the two namespaces, the veth "internet" between them, the host's and the
 * attacker's addresses and the host's default routes; built with {@link Namespaces} and removed
 * with every process still inside.
 */
final class LabNetwork {
  private final Namespaces namespaces = new Namespaces();
  private final Consumer<String> progress;
  private final LabProcesses processes;

  LabNetwork(Consumer<String> progress, LabProcesses processes) {
    this.progress = progress;
    this.processes = processes;
  }

  /** Whether either namespace exists, as after a crashed run. */
  static boolean anyLeft() {
    return Namespaces.exists(HOST_NS) || Namespaces.exists(ATTACKER_NS);
  }

  /** @throws EnvironmentProblem when the attacker's namespace is not there */
  static void requireAttacker() {
    if (!Namespaces.exists(ATTACKER_NS)) {
      throw new EnvironmentProblem("the lab is not up: run 'sudo breakwater lab up' first");
    }
  }

  void build() {
    progress.accept("namespaces " + HOST_NS + " and " + ATTACKER_NS + ", veth " + HOST_ADDRESS + " <-> " + String.join(", ", ATTACKER_ADDRESSES));
    namespaces.add(HOST_NS);
    namespaces.add(ATTACKER_NS);
    namespaces.vethBetween(HOST_NS, "bwl-h0", OUTSIDE_INTERFACE, ATTACKER_NS, "bwl-a0", OUTSIDE_INTERFACE);
    namespaces.up(HOST_NS, "lo");
    namespaces.up(ATTACKER_NS, "lo");
    namespaces.address(HOST_NS, OUTSIDE_INTERFACE, HOST_ADDRESS + "/24");
    namespaces.address(HOST_NS, OUTSIDE_INTERFACE, HOST_ADDRESS_V6 + "/64");
    for (String address : ATTACKER_ADDRESSES) {
      namespaces.address(ATTACKER_NS, OUTSIDE_INTERFACE, address + (address.contains(":") ? "/64" : "/24"));
    }
    namespaces.up(HOST_NS, OUTSIDE_INTERFACE);
    namespaces.up(ATTACKER_NS, OUTSIDE_INTERFACE);
    // Replies from the host (and from containers, after masquerade) go back out to the attacker side.
    namespaces.defaultRoute(HOST_NS, ATTACKER_ADDRESSES.getFirst());
    namespaces.defaultRoute(HOST_NS, ATTACKER_ADDRESSES.getLast());
  }

  /** Kills every process still in either namespace. */
  void killProcesses() {
    for (String ns : List.of(HOST_NS, ATTACKER_NS)) {
      for (long pid : namespaces.pids(ns)) {
        processes.killTree(pid);
      }
    }
  }

  /** Deletes both namespaces (and with them the veth pair); harmless when they are gone. */
  void delete() {
    namespaces.delete(HOST_NS);
    namespaces.delete(ATTACKER_NS);
  }
}
