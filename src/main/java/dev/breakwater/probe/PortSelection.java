package dev.breakwater.probe;

import dev.breakwater.net.PortRange;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Which TCP ports to probe on every target: a list, the most common N, or all of 1..65535. */
public final class PortSelection {
  private PortSelection() {}

  /** {@code 22,80,443,8000-8100}; ports are 1..65535, ranges are inclusive. */
  public static List<Integer> parseList(String text) {
    BitSet ports = new BitSet(65536);
    for (String part : text.split(",", -1)) {
      String p = part.trim();
      if (p.isEmpty()) {
        throw new ProbeInputException("--ports '" + text + "': empty entry; write e.g. 22,80,8000-8100");
      }
      PortRange range;
      try {
        range = PortRange.parse(p.replace(':', '-'));
      } catch (IllegalArgumentException e) {
        throw new ProbeInputException("--ports '" + text + "': '" + p + "' is not a port (1-65535) or a range N-M");
      }
      if (range.first() < 1) {
        throw new ProbeInputException("--ports '" + text + "': port 0 cannot be connected to; ports are 1-65535");
      }
      ports.set(range.first(), range.last() + 1);
    }
    return ports.stream().boxed().toList();
  }

  /** Every TCP port, 1..65535. */
  public static List<Integer> all() {
    List<Integer> all = new ArrayList<>(65535);
    for (int p = 1; p <= 65535; p++) {
      all.add(p);
    }
    return all;
  }

  /**
   * The {@code n} ports most often found open on the internet, then the data-store ports that
   * Breakwater checks (some, like Redis's 6379, are rare enough to miss a top 1000).
   */
  public static List<Integer> top(int n) {
    if (n < 1) {
      throw new ProbeInputException("--top " + n + ": give a number of ports, at least 1");
    }
    List<Integer> ranked = ranked();
    Set<Integer> chosen = new LinkedHashSet<>(ranked.subList(0, Math.min(n, ranked.size())));
    chosen.addAll(ServiceChecks.wellKnownPorts());
    return List.copyOf(chosen);
  }

  static List<Integer> ranked() {
    InputStream in = PortSelection.class.getResourceAsStream("top-ports.txt");
    if (in == null) {
      throw new IllegalStateException("top-ports.txt is missing from the build");
    }
    List<Integer> ports = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.isBlank() && !line.startsWith("#")) {
          ports.add(Integer.parseInt(line.trim()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ports;
  }
}
