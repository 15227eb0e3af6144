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
 * @param because the deciding step in words, with what the sources must choose when {@code needs} says
 * @param needs the source ports and first packets that get this verdict when not every choice
 *     does (any one of them will do); empty when the verdict does not depend on the sender's choices
 */
public record SourceClass(
    String ingress, IpFamily family, List<IPAddress> sources, Verdict verdict, Optional<Rule> decidedBy, String because,
    List<AttackerChoice> needs) {

  public SourceClass {
    sources = List.copyOf(sources);
    needs = List.copyOf(needs);
  }

  public SourceClass(
      String ingress, IpFamily family, List<IPAddress> sources, Verdict verdict, Optional<Rule> decidedBy, String because) {
    this(ingress, family, sources, verdict, decidedBy, because, List.of());
  }

  public SourceClass(String ingress, IpFamily family, List<IPAddress> sources, Verdict verdict, Optional<Rule> decidedBy) {
    this(ingress, family, sources, verdict, decidedBy, decidedBy.map(Rule::citation).orElse(""));
  }
}
