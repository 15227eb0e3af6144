package dev.breakwater.policy;


import java.util.List;

/**
 * The input of {@code iptables-restore --noflush}: one transaction that touches only the
 * BREAKWATER chain and the jumps to it. With --noflush, declaring {@code :BREAKWATER - [0:0]}
 * flushes that chain alone (checked on iptables 1.8.9 nf_tables and legacy); DOCKER-USER is never
 * declared, because declaring it would flush Docker's and the user's rules in it.
 */
public final class RestoreText {
  private RestoreText() {}

  /** Makes the chain hold {@code planned} and DOCKER-USER jump to it once, at position 1. */
  public static String apply(ChainState current, List<String> planned) {
    if (!current.dockerUserExists()) {
      throw new IllegalStateException("no DOCKER-USER chain to jump from");
    }
    StringBuilder text = new StringBuilder("*filter\n:" + CompiledPolicy.CHAIN + " - [0:0]\n");
    for (String rule : planned) {
      text.append(rule).append('\n');
    }
    for (int i = 0; i < current.jumpPositions().size(); i++) {
      text.append("-D DOCKER-USER -j ").append(CompiledPolicy.CHAIN).append('\n');
    }
    text.append("-I DOCKER-USER 1 -j ").append(CompiledPolicy.CHAIN).append('\n');
    return text.append("COMMIT\n").toString();
  }

  /** Puts back {@code previous} (the state before an apply), starting from {@code current}. */
  public static String restore(ChainState current, ChainState previous) {
    StringBuilder text = new StringBuilder("*filter\n:" + CompiledPolicy.CHAIN + " - [0:0]\n");
    if (previous.chainExists()) {
      for (String rule : previous.rules()) {
        text.append(rule).append('\n');
      }
    }
    for (int i = 0; i < current.jumpPositions().size(); i++) {
      text.append("-D DOCKER-USER -j ").append(CompiledPolicy.CHAIN).append('\n');
    }
    // Ascending positions rebuild the original order once the current jumps are gone.
    for (int position : previous.jumpPositions()) {
      text.append("-I DOCKER-USER ").append(position).append(" -j ").append(CompiledPolicy.CHAIN).append('\n');
    }
    if (!previous.chainExists()) {
      text.append("-X ").append(CompiledPolicy.CHAIN).append('\n');
    }
    return text.append("COMMIT\n").toString();
  }
}
