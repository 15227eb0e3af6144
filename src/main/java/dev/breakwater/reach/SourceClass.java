package dev.breakwater.reach;

import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.Rule;
import inet.ipaddr.IPAddress;
import java.util.List;
import java.util.Optional;

/**
 * Sources arriving on {@code ingress} that all get the same verdict for the same reason.
 *
 * @param sources minimal sorted CIDRs
 * @param decidedBy the rule that decides for all of them; empty when a policy or routing decided
 * @param because the deciding step in words
 */
public record SourceClass(
    String ingress, IpFamily family, List<IPAddress> sources, Verdict verdict, Optional<Rule> decidedBy, String because) {

  public SourceClass {
    sources = List.copyOf(sources);
  }

  public SourceClass(String ingress, IpFamily family, List<IPAddress> sources, Verdict verdict, Optional<Rule> decidedBy) {
    this(ingress, family, sources, verdict, decidedBy, decidedBy.map(Rule::citation).orElse(""));
  }
}
