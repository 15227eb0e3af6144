package dev.breakwater.reach;

import dev.breakwater.netfilter.Rule;
import inet.ipaddr.IPAddress;

/** The destination NAT the packet got in nat/PREROUTING. */
public record NatStep(Rule rule, IPAddress fromAddress, int fromPort, IPAddress toAddress, int toPort) {
  public String describe() {
    return "DNAT " + Delivery.endpoint(fromAddress, fromPort) + " -> " + Delivery.endpoint(toAddress, toPort)
        + " by " + rule.citation();
  }
}
