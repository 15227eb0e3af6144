package dev.breakwater.watch;

import dev.breakwater.gather.HostReader;

import dev.breakwater.host.Container;
import dev.breakwater.host.ContainerNetwork;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.IptablesSaveParser;
import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.policy.ChainState;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.plan.PlanDiff;
import inet.ipaddr.IPAddressString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An IPv4 Docker host in memory: running containers and the BREAKWATER chain as iptables-save
 * would show it. It is the {@link HostReader} and the {@link Enforcer} of the tests, counting
 * reads and applies; an apply advances the fake clock by {@link #applyCost}.
 */
final class FakeHost implements HostReader, Enforcer {
  final List<Container> containers = new java.util.concurrent.CopyOnWriteArrayList<>();
  boolean chainExists;
  /** Docker's DOCKER-USER chain (gone after firewalld's reload until Docker creates it again). */
  boolean dockerUserExists = true;
  boolean jumpFirst;
  List<String> chain = new ArrayList<>();
  int reads;
  int containerReads;
  int wholeReads;
  final List<CompiledPolicy> applies = new ArrayList<>();
  Optional<RuntimeException> failApply = Optional.empty();
  Optional<RuntimeException> failRead = Optional.empty();
  final FakeClock clock;
  Duration readCost = Duration.ZERO;
  Duration applyCost = Duration.ZERO;

  FakeHost(FakeClock clock) {
    this.clock = clock;
  }

  @Override
  public HostFacts read() {
    reads++;
    clock.advance(readCost);
    if (failRead.isPresent()) {
      throw failRead.get();
    }
    return new HostFacts("fake", List.of(), List.of(), containers,
        IptablesSaveParser.parse(filterTable(), IpFamily.V4, "fake iptables-save"),
        Optional.empty(), Optional.empty(), Optional.empty(), List.of());
  }

  /** The whole host: here the same as {@link #read}, counted apart. */
  @Override
  public HostFacts readWhole() {
    wholeReads++;
    return read();
  }

  /** Like the live reader: fresh containers, the previous read's rules. */
  @Override
  public HostFacts readContainers(HostFacts previous) {
    containerReads++;
    clock.advance(readCost);
    if (failRead.isPresent()) {
      throw failRead.get();
    }
    return new HostFacts(previous.hostname(), previous.interfaces(), previous.routes(), containers, previous.ipv4(),
        previous.ipv6(), previous.ufw(), previous.daemon(), previous.notes());
  }

  @Override
  public ApplyTransaction.Outcome apply(CompiledPolicy compiled) {
    applies.add(compiled);
    clock.advance(applyCost);
    if (failApply.isPresent()) {
      throw failApply.get();
    }
    ChainState before = ChainState.of(IptablesSaveParser.parse(filterTable(), IpFamily.V4, "fake"));
    PlanDiff diff = PlanDiff.between(IpFamily.V4, before, compiled.rules(IpFamily.V4));
    chainExists = true;
    jumpFirst = true;
    chain = new ArrayList<>(compiled.rules(IpFamily.V4));
    return new ApplyTransaction.Outcome(Map.of(IpFamily.V4, diff));
  }

  /** Someone ran {@code iptables -F BREAKWATER}. */
  void flush() {
    chain.clear();
  }

  /** firewalld's reload: {@code iptables -F; -X} on every table, Docker's chains and ours with them. */
  void flushEveryChain() {
    chain.clear();
    chainExists = false;
    jumpFirst = false;
    dockerUserExists = false;
  }

  String filterTable() {
    StringBuilder text = new StringBuilder("""
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        """);
    if (chainExists) {
      text.append(":BREAKWATER - [0:0]\n");
    }
    if (!dockerUserExists) {
      return text.append("COMMIT\n").toString();
    }
    text.append(":DOCKER - [0:0]\n:DOCKER-USER - [0:0]\n");
    text.append("-A FORWARD -j DOCKER-USER\n");
    if (chainExists) {
      chain.forEach(rule -> text.append(rule).append('\n'));
    }
    if (chainExists && jumpFirst) {
      text.append(CompiledPolicy.JUMP).append('\n');
    }
    text.append("-A DOCKER-USER -j RETURN\nCOMMIT\n");
    return text.toString();
  }

  static Container container(String name, int hostPort, Map<String, String> labels) {
    var ip = new IPAddressString("198.18.0." + (2 + Math.abs(name.hashCode() % 200))).getAddress();
    return new Container("id-" + name, "/" + name, "busybox", labels, "bridge",
        List.of(new ContainerNetwork("bridge", Optional.of(ip), Optional.empty(), Optional.empty())),
        List.of(new PublishedPort(new IPAddressString("0.0.0.0").getAddress(), hostPort, 80, Transport.TCP, Optional.of(ip))),
        List.of(), List.of());
  }
}
