package dev.breakwater.reach;

import dev.breakwater.netfilter.Rule;

/**
 * A well-known mistake that explains a result, with the rule it is about.
 *
 * @param code stable identifier: {@code dport-after-dnat}, {@code daddr-after-dnat},
 *     {@code input-rules-bypassed}, {@code drop-without-established}
 */
public record Hint(String code, Rule rule, String message) {}
