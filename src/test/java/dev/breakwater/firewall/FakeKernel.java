package dev.breakwater.firewall;

import dev.breakwater.net.IpFamily;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.FirewallBackend;
import dev.breakwater.system.CommandRunner;
import dev.breakwater.system.NetfilterTools;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A filter table per family in memory, behind the iptables seam of {@link ApplyTransaction}: it
 * prints {@code iptables-save} text and takes the {@code iptables-restore --noflush} text that
 * {@code policy.RestoreText} writes (declare/flush BREAKWATER, {@code -A}, {@code -D}/{@code -I}
 * of the jump, {@code -X}). Faults are injected with {@link #failRestore}.
 */
public final class FakeKernel {
  /** The policy the tests apply: established first, then a drop from outside. */
  public static final CompiledPolicy POLICY = policy("-A BREAKWATER -i eth0 -j DROP");

  private final Map<IpFamily, List<String>> dockerUser = new EnumMap<>(IpFamily.class);
  private final Map<IpFamily, List<String>> chain = new EnumMap<>(IpFamily.class);
  /** Which restore texts fail (before they change anything), as iptables-restore refusing them. */
  public Predicate<String> failRestore = text -> false;
  /** Runs before each restore: a test looks at the state directory the moment the kernel is touched. */
  public Runnable beforeRestore = () -> {};
  public int restores;
  /** {@code ipset list -n} calls (the sweep of unused sets) and the sets that exist. */
  public int setListings;
  public final java.util.Set<String> sets = new java.util.TreeSet<>();

  public FakeKernel() {
    for (IpFamily family : IpFamily.values()) {
      dockerUser.put(family, new ArrayList<>(List.of("-A DOCKER-USER -j RETURN")));
    }
  }

  public static CompiledPolicy policy(String lastRule) {
    List<String> rules = List.of("-A BREAKWATER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN", lastRule);
    return new CompiledPolicy(List.of("eth0"), List.of(), Map.of(IpFamily.V4, rules, IpFamily.V6, rules), List.of());
  }

  public ApplyTransaction transaction(StateStore store) {
    NetfilterTools unused = new NetfilterTools(CommandRunner.local());
    return new ApplyTransaction(new Iptables(), new NftBackend(unused), store, FirewallBackend.IPTABLES);
  }

  /** What iptables-save prints for {@code family}. */
  public String save(IpFamily family) {
    StringBuilder text = new StringBuilder("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:DOCKER-USER - [0:0]\n");
    if (chain.containsKey(family)) {
      text.append(":BREAKWATER - [0:0]\n");
    }
    text.append("-A FORWARD -j DOCKER-USER\n");
    dockerUser.get(family).forEach(r -> text.append(r).append('\n'));
    if (chain.containsKey(family)) {
      chain.get(family).forEach(r -> text.append(r).append('\n'));
    }
    return text.append("COMMIT\n").toString();
  }

  public boolean holds(CompiledPolicy policy) {
    for (IpFamily family : IpFamily.values()) {
      if (!policy.rules(family).equals(chain.get(family)) || !dockerUser.get(family).getFirst().equals("-A DOCKER-USER -j BREAKWATER")) {
        return false;
      }
    }
    return true;
  }

  private void restore(IpFamily family, String text) {
    beforeRestore.run();
    restores++;
    if (failRestore.test(text)) {
      throw new ApplyException("iptables-restore: line 3 failed (injected)");
    }
    List<String> user = dockerUser.get(family);
    for (String line : text.split("\n")) {
      if (line.equals(":BREAKWATER - [0:0]")) {
        chain.put(family, new ArrayList<>());
      } else if (line.startsWith("-A BREAKWATER ")) {
        chain.get(family).add(line);
      } else if (line.equals("-D DOCKER-USER -j BREAKWATER")) {
        user.remove("-A DOCKER-USER -j BREAKWATER");
      } else if (line.startsWith("-I DOCKER-USER ")) {
        user.add(Integer.parseInt(line.split(" ")[2]) - 1, "-A DOCKER-USER -j BREAKWATER");
      } else if (line.equals("-X BREAKWATER")) {
        chain.remove(family);
      }
    }
  }

  private final class Iptables extends IptablesBackend {
    Iptables() {
      super(null);
    }

    @Override
    String saveFilter(IpFamily family) {
      return save(family);
    }

    @Override
    void restore(IpFamily family, String text) {
      FakeKernel.this.restore(family, text);
    }

    @Override
    List<String> setNames() {
      setListings++;
      return List.copyOf(sets);
    }

    @Override
    void ipsetRestore(String text) {
      for (String line : text.lines().toList()) {
        String[] words = line.split(" ");
        if (words[0].equals("create")) {
          sets.add(words[1]);
        } else if (words[0].equals("rename")) {
          sets.remove(words[1]);
          sets.add(words[2]);
        }
      }
    }

    @Override
    boolean destroySet(String name) {
      return sets.remove(name);
    }
  }
}
