package dev.breakwater.netfilter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A table and its chains, in the order iptables-save printed them. */
public record Table(TableName name, Map<String, Chain> chains) {
  public Table {
    chains = Collections.unmodifiableMap(new LinkedHashMap<>(chains));
  }

  public Optional<Chain> chain(String chainName) {
    return Optional.ofNullable(chains.get(chainName));
  }
}
