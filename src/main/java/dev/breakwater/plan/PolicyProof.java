package dev.breakwater.plan;

import dev.breakwater.policy.AddressText;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.PolicyCompiler;
import dev.breakwater.policy.ProtectedPort;

import dev.breakwater.host.PublishedPort;
import dev.breakwater.net.AddressSets;
import dev.breakwater.net.IpFamily;
import dev.breakwater.reach.PortReach;
import dev.breakwater.reach.ReachNote;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks the reach engine's answer on the ruleset as it would be after the change against what
 * the policy says: no source outside a port's allows reaches it (certainly or possibly), and no
 * allowed source that reached it before loses it.
 */
public final class PolicyProof {
  private PolicyProof() {}

  /** One port: who reaches it before and after, and what is wrong, if anything. */
  public record PortProof(
      ProtectedPort port,
      List<String> reachableBefore,
      List<String> possiblyBefore,
      List<String> reachableAfter,
      List<String> possiblyAfter,
      List<String> problems) {
    public PortProof {
      reachableBefore = List.copyOf(reachableBefore);
      possiblyBefore = List.copyOf(possiblyBefore);
      reachableAfter = List.copyOf(reachableAfter);
      possiblyAfter = List.copyOf(possiblyAfter);
      problems = List.copyOf(problems);
    }
  }

  /**
   * @param noLooser whether the change leaves nobody able to reach a port of the policy that could
   *     not reach it before (certainly or possibly): a change that only narrows who gets in. A
   *     failed proof of such a change still leaves the host no looser than it is; a port without
   *     an answer on either side is not known to be narrowed.
   */
  public record Result(List<PortProof> ports, List<String> problems, boolean noLooser) {
    public Result {
      ports = List.copyOf(ports);
      problems = List.copyOf(problems);
    }

    public boolean holds() {
      return problems.isEmpty();
    }
  }

  public static Result check(CompiledPolicy compiled, List<PortReach> before, List<PortReach> after) {
    List<PortProof> ports = new ArrayList<>();
    List<String> all = new ArrayList<>();
    boolean noLooser = true;
    for (ProtectedPort port : compiled.ports()) {
      Optional<Observed> was = before.stream().filter(o -> isAbout(o, port)).findFirst().map(Observed::of);
      Optional<Observed> now = after.stream().filter(o -> isAbout(o, port)).findFirst().map(Observed::of);
      noLooser = noLooser && was.isPresent() && now.isPresent()
          && AddressSets.minus(now.get().everyone(), was.get().everyone()).isEmpty();
      List<String> problems = new ArrayList<>();
      String name = port.endpoint() + " (" + port.container() + ")";
      if (now.isEmpty()) {
        problems.add(name + ": the reach engine gave no answer for this port, so the change cannot be proved");
      } else {
        List<IPAddress> allowed = allowed(port);
        List<IPAddress> certainlyOutside = AddressSets.minus(now.get().reachable(), allowed);
        List<IPAddress> possiblyOutside = AddressSets.minus(now.get().possibly(), allowed);
        if (!certainlyOutside.isEmpty()) {
          problems.add(name + ": would still be reachable from " + AddressText.describe(certainlyOutside)
              + ", outside its allows (" + port.allowedText() + ")"
              + (compiled.families().contains(port.family()) ? ""
                  : "; nothing is compiled for " + port.family().label() + " (no DOCKER-USER chain there), so only INPUT/UFW or binding the port elsewhere can close it"));
        }
        if (!possiblyOutside.isEmpty()) {
          problems.add(name + ": would possibly be reachable from " + AddressText.describe(possiblyOutside)
              + ", outside its allows (" + port.allowedText() + "): the engine cannot decide"
              + (now.get().uncertainBecause().isEmpty() ? "" : " (" + String.join("; ", now.get().uncertainBecause()) + ")"));
        }
        List<IPAddress> reachedBefore = was.map(Observed::reachable).orElse(List.of());
        List<IPAddress> lost = AddressSets.minus(AddressSets.intersect(reachedBefore, allowed), now.get().reachable());
        if (!lost.isEmpty()) {
          problems.add(name + ": allowed source " + AddressText.describe(lost) + " reaches it now and would not after the change");
        }
      }
      all.addAll(problems);
      ports.add(new PortProof(port,
          texts(was.map(Observed::reachable)), texts(was.map(Observed::possibly)),
          texts(now.map(Observed::reachable)), texts(now.map(Observed::possibly)), problems));
    }
    return new Result(ports, all, noLooser);
  }

  /**
   * Whether {@link #check} holds for every answer about the host before the change, decided from
   * the answer after it alone: every port of the policy has an answer after, nobody outside its
   * allows reaches it (certainly or possibly), and every allowed source does. The before-answer
   * enters {@code check} only through the allowed sources that would lose the port ({@code
   * reached before and allowed, minus reached after}), which is then empty whatever it was; so
   * watch walks the host before a correction only when this says no (a new container's allow is
   * usually exactly what the engine finds after).
   */
  public static boolean holdsForAnyBefore(CompiledPolicy compiled, List<PortReach> after) {
    for (ProtectedPort port : compiled.ports()) {
      Optional<Observed> now = after.stream().filter(o -> isAbout(o, port)).findFirst().map(Observed::of);
      if (now.isEmpty()) {
        return false;
      }
      List<IPAddress> allowed = allowed(port);
      if (!AddressSets.minus(now.get().reachable(), allowed).isEmpty()
          || !AddressSets.minus(now.get().possibly(), allowed).isEmpty()
          || !AddressSets.minus(allowed, now.get().reachable()).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The sums of one answer the proof reads, added up once.
   *
   * @param uncertainBecause why {@code possibly} is not decided: the rules (citations) and the
   *     facts (no ip6tables dump) the engine could not evaluate
   */
  private record Observed(List<IPAddress> reachable, List<IPAddress> possibly, List<String> uncertainBecause) {
    static Observed of(PortReach reach) {
      List<String> why = new ArrayList<>();
      reach.uncertainBecause().forEach(rule -> why.add(rule.citation() + " " + rule.text().strip()));
      reach.notes().stream().map(ReachNote::text).forEach(why::add);
      return new Observed(reach.reachableFrom(), reach.possiblyReachableFrom(), List.copyOf(why));
    }

    /** Who reaches it, certainly or possibly. */
    List<IPAddress> everyone() {
      List<IPAddress> all = new ArrayList<>(reachable);
      all.addAll(possibly);
      return AddressSets.union(all);
    }
  }

  /** The policy names a port by container (without Docker's leading '/'), family, address and port. */
  private static boolean isAbout(PortReach reach, ProtectedPort port) {
    PublishedPort published = reach.port();
    String name = reach.container().name();
    String container = name.startsWith("/") ? name.substring(1) : name;
    IpFamily family = IpFamily.of(published.hostIp());
    Optional<IPAddress> bound = published.boundToAll() ? Optional.empty() : Optional.of(published.hostIp().withoutPrefixLength());
    return container.equals(port.container()) && family == port.family() && published.hostPort() == port.hostPort()
        && published.protocol() == port.protocol()
        && bound.map(IPAddress::withoutPrefixLength).equals(port.boundAddress().map(IPAddress::withoutPrefixLength));
  }

  private static List<IPAddress> allowed(ProtectedPort port) {
    if (port.allowed().any()) {
      return List.of(new IPAddressString(port.family() == IpFamily.V4 ? "0.0.0.0/0" : "::/0").getAddress());
    }
    return port.allowed().of(port.family());
  }

  private static List<String> texts(Optional<List<IPAddress>> prefixes) {
    return prefixes.map(p -> AddressSets.union(p).stream().map(PolicyCompiler::prefixText).toList()).orElse(List.of());
  }
}
