package dev.breakwater.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.net.IpFamily;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.Policy;
import dev.breakwater.policy.SourceIpset;
import inet.ipaddr.IPAddressString;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep of unused ipsets after an apply runs only when a set may be left: a policy without
 * large source lists, on a host whose chain and backups name no set, lists no sets (one process
 * start less on watch's latency path); once a set was used, every apply sweeps until no chain or
 * kept backup names it, and the set goes when neither does.
 */
class UnusedSetSweepTest {
  static final String SET = "bw4-0123456789abcdef";
  static final CompiledPolicy WITH_SET = new CompiledPolicy(List.of("eth0"), List.of(),
      Map.of(IpFamily.V4, List.of("-A BREAKWATER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
          "-A BREAKWATER -p tcp -m set --match-set " + SET + " src -j RETURN", "-A BREAKWATER -i eth0 -j DROP")),
      List.of(), List.of(new SourceIpset(SET, IpFamily.V4, List.of(new IPAddressString("198.18.0.0/24").getAddress()))),
      Policy.Default.DENY, Policy.DenyAction.DROP);

  @Test
  void setFreeAppliesListNoSetsAndASetIsSweptOnceNothingNamesIt(@TempDir Path tmp) {
    FakeKernel kernel = new FakeKernel();
    StateStore store = new StateStore(tmp.resolve("state"));
    ChangeJournal journal = new ChangeJournal(store, 1, "boot-1");
    ApplyTransaction transaction = kernel.transaction(store);

    apply(journal, transaction, store, FakeKernel.POLICY);
    apply(journal, transaction, store, FakeKernel.policy("-A BREAKWATER -i eth0 -p tcp -j DROP"));
    assertThat(kernel.setListings).as("no chain, no backup names a set").isZero();

    apply(journal, transaction, store, WITH_SET);
    assertThat(kernel.sets).containsExactly(SET);
    int listings = kernel.setListings;
    assertThat(listings).isPositive();

    apply(journal, transaction, store, FakeKernel.POLICY);
    assertThat(kernel.setListings).as("the chain before named the set").isGreaterThan(listings);
    assertThat(kernel.sets).as("the backup of this change uses it").containsExactly(SET);

    apply(journal, transaction, store, FakeKernel.policy("-A BREAKWATER -i eth0 -p udp -j DROP"));
    assertThat(kernel.sets).as("neither the chain nor a kept backup names it").isEmpty();

    listings = kernel.setListings;
    apply(journal, transaction, store, FakeKernel.POLICY);
    assertThat(kernel.setListings).as("nothing names a set any more").isEqualTo(listings);
  }

  private static void apply(ChangeJournal journal, ApplyTransaction transaction, StateStore store, CompiledPolicy policy) {
    store.check();
    journal.apply(transaction, policy, Optional.empty(), "default: deny\n", Optional.<Duration>empty(), false, LoginSession.UNKNOWN,
        (token, wait) -> {});
  }
}
