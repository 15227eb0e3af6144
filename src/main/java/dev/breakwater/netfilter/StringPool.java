package dev.breakwater.netfilter;

import java.util.HashMap;
import java.util.Map;

/**
 * One String object per distinct value within a parse. A large dump repeats the same interface
 * names, comments and target options thousands of times; sharing them keeps the model small,
 * which is most of what parsing 200,000 rules costs (the collector copies what survives).
 */
final class StringPool {
  private final Map<String, String> pool = new HashMap<>();

  String of(String s) {
    String known = pool.putIfAbsent(s, s);
    return known == null ? s : known;
  }
}
