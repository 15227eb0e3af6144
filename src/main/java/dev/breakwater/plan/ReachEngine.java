package dev.breakwater.plan;

import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.reach.PortReach;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/** The reach engine as the proof sees it: who reaches every published port of a host. */
@FunctionalInterface
public interface ReachEngine {
  List<PortReach> observe(HostFacts facts);

  /**
   * The answers of {@link #observe(HostFacts)} for the ports of {@code family} only, in the same
   * order. An engine that can answer one family alone (the core engine) does so without the other.
   */
  default List<PortReach> observe(HostFacts facts, IpFamily family) {
    return observe(facts).stream().filter(r -> familyOf(r) == family).toList();
  }

  /**
   * {@code engine}, answering a host it has already answered from memory. {@code apply} proves
   * the plan (the host before and after) and then the commit order ({@link CommitWindow}: the
   * same two ends again, plus each state between): with 1,000 allows an answer costs seconds, and
   * two of every five were the same hosts again. The engine is pure and a host is a record, so an
   * equal host gets the same answer; not thread-safe, for one command's proof.
   *
   * <p>A state between the two commits has one family's new rules and the other's old: when the
   * host equals one already answered but for its IPv6 ruleset, its IPv4 answers are that host's
   * (a port's answer never reads the other family's ruleset, {@code Reachability.exposures(IpFamily)})
   * and only its IPv6 ports are walked. With an IPv4 allow-list of 1,000 sources the IPv4 ports
   * are the whole cost, so the state after an IPv4-first commit costs next to nothing.
   */
  static ReachEngine remembering(ReachEngine engine) {
    record Answer(HostFacts facts, HostFacts withoutIpv6, List<PortReach> reach) {}
    List<Answer> answers = new ArrayList<>();
    return facts -> {
      for (Answer answer : answers) {
        if (answer.facts() == facts) {
          return answer.reach();
        }
      }
      for (Answer answer : answers) {
        if (answer.facts().equals(facts)) {
          return answer.reach();
        }
      }
      HostFacts withoutIpv6 = withoutIpv6(facts);
      List<PortReach> reach = null;
      for (Answer answer : answers) {
        if (answer.withoutIpv6().equals(withoutIpv6)) {
          reach = withIpv6Answers(answer.reach(), engine.observe(facts, IpFamily.V6)).orElse(null);
          break;
        }
      }
      if (reach == null) {
        reach = engine.observe(facts);
      }
      answers.add(new Answer(facts, withoutIpv6, reach));
      return reach;
    };
  }

  /**
   * {@code known} with its IPv6 answers replaced, one for one and in order, by {@code ipv6}; empty
   * when the two do not have the same IPv6 ports (then the host is walked whole).
   */
  private static Optional<List<PortReach>> withIpv6Answers(List<PortReach> known, List<PortReach> ipv6) {
    List<PortReach> merged = new ArrayList<>(known.size());
    Iterator<PortReach> replacements = ipv6.iterator();
    for (PortReach old : known) {
      if (familyOf(old) != IpFamily.V6) {
        merged.add(old);
        continue;
      }
      if (!replacements.hasNext()) {
        return Optional.empty();
      }
      PortReach now = replacements.next();
      if (!now.port().equals(old.port()) || !now.container().equals(old.container())) {
        return Optional.empty();
      }
      merged.add(now);
    }
    return replacements.hasNext() ? Optional.empty() : Optional.of(List.copyOf(merged));
  }

  private static IpFamily familyOf(PortReach reach) {
    return IpFamily.of(reach.port().hostIp());
  }

  private static HostFacts withoutIpv6(HostFacts facts) {
    return new HostFacts(facts.hostname(), facts.interfaces(), facts.routes(), facts.containers(), facts.ipv4(),
        Optional.empty(), facts.ufw(), facts.daemon(), facts.notes(), facts.setup(), facts.listeners(),
        facts.routingRules());
  }
}
