package dev.breakwater.reach.oracle;

import java.util.List;

/**
 * One generated ruleset for the host namespace.
 *
 * @param shape what it imitates ({@code docker-28 ufw}, {@code docker-20.10 plain-input} ...)
 * @param text iptables-restore input, every table the lab uses written in full
 * @param targets the destinations and ports worth probing: published ports on every host
 *     address, container addresses directly, ports the INPUT rules name
 * @param rpFilter the host's {@code net.ipv4.conf.all.rp_filter}: 0 off, 1 strict, 2 loose
 * @param sysctls more of the host's sysctls, in the order they are written ({@code
 *     net.ipv4.conf.eth0.forwarding=0}): forwarding and route_localnet ({@link LabSysctls})
 */
record LabRuleset(long seed, String shape, String text, List<Target> targets, int rpFilter, List<String> sysctls) {

  /** @param protocol {@code tcp} or {@code udp} */
  record Target(String destination, int port, String protocol) {
    Target(String destination, int port) {
      this(destination, port, "tcp");
    }
  }

  LabRuleset {
    targets = List.copyOf(targets);
    sysctls = List.copyOf(sysctls);
  }
}
