package dev.breakwater.lab;

import dev.breakwater.net.AddressInput;
import dev.breakwater.system.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Real TCP connections from the attacker's addresses: the ground truth every audit answer about
 * the lab is checked against.
 *
 * <p>A JVM cannot move one of its threads into another network namespace, so {@link Lab#probe}
 * starts this class's {@link #main} in a JVM inside {@code bwl-attacker}; it binds each
 * connection to the chosen source address (busybox nc cannot) and prints one line per probe.
 */
public final class AttackerProbe {
  static final int CONNECT_TIMEOUT_MILLIS = 2000;
  static final int BANNER_MILLIS = 700;

  private AttackerProbe() {}

  /** One connection attempt: from {@code source} to {@code target}:{@code port}/tcp. */
  public record Probe(String source, String target, int port) {
    public Probe {
      requireAddress(source);
      requireAddress(target);
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("not a TCP port: " + port);
      }
    }

    /** {@code 198.51.100.66 -> 198.51.100.1:3306}, or with brackets for IPv6. */
    public String describe() {
      return source + " -> " + (target.contains(":") ? "[" + target + "]" : target) + ":" + port;
    }
  }

  /** How a probe ended. */
  public enum Outcome {
    /** The three-way handshake completed: the port is reachable from that source. */
    CONNECTED,
    /** Something answered with a reset (a REJECT, or nothing listening). */
    REFUSED,
    /** No answer within the timeout (a DROP). */
    TIMED_OUT,
    /** The probe itself failed (no route, address not on the attacker). */
    ERROR
  }

  /** @param banner the first line the server sent, empty when none */
  public record Result(Probe probe, Outcome outcome, String banner) {
    public boolean reached() {
      return outcome == Outcome.CONNECTED;
    }
  }

  /** Arguments: {@code SOURCE TARGET PORT} triples. Prints {@code SOURCE TARGET PORT OUTCOME BANNER} lines, tab-separated. */
  public static void main(String[] args) throws Exception {
    List<Probe> probes = parseArguments(List.of(args));
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Result>> running = new ArrayList<>();
      for (Probe probe : probes) {
        running.add(pool.submit(() -> connect(probe)));
      }
      for (Future<Result> result : running) {
        System.out.println(format(result.get()));
      }
    }
  }

  /**
   * Runs {@code probes} from the namespace {@code where} enters: a JVM of this binary and class
   * path started there ({@link #main}), since this JVM's threads stay in its own namespace.
   *
   * @throws LabException when the probing JVM fails
   */
  public static List<Result> from(CommandRunner where, List<Probe> probes) {
    if (probes.isEmpty()) {
      return List.of();
    }
    List<String> argv = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"),
        AttackerProbe.class.getName()));
    argv.addAll(arguments(probes));
    CommandRunner.Result result = where.run(argv, Duration.ofSeconds(60));
    LabHost.check(result, "the attacker's probe");
    return result.stdout().lines().filter(l -> !l.isBlank()).map(AttackerProbe::parseLine).toList();
  }

  /**
   * Makes the namespace {@code neighbour} enters send 127.0.0.1 to {@code hostAddress} over
   * {@code device}, from {@code source}: a neighbour on the host's link that routes the host's
   * loopback address to it (its own local 127.0.0.1 route removed, route_localnet and
   * accept_local on, rp_filter off), to test the DNATs that match {@code -d 127.0.0.1} in
   * PREROUTING before routing would drop the martian. Done once: a second call sees the local
   * route gone.
   *
   * @throws LabException when a command fails
   */
  public static void routeLoopbackTo(CommandRunner neighbour, String device, String hostAddress, String source) {
    Duration timeout = LabHost.COMMAND_TIMEOUT;
    CommandRunner.Result route = neighbour.run(List.of("ip", "-4", "route", "show", "table", "local", "127.0.0.1/32"), timeout);
    if (!route.stdout().contains("local")) {
      return;
    }
    LabHost.check(neighbour.run(List.of("sysctl", "-q", "-w", "net.ipv4.conf.all.route_localnet=1",
        "net.ipv4.conf." + device + ".route_localnet=1", "net.ipv4.conf.all.accept_local=1",
        "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf." + device + ".rp_filter=0"), timeout), "neighbour sysctl");
    LabHost.check(neighbour.run(List.of("ip", "route", "del", "local", "127.0.0.1", "table", "local"), timeout),
        "neighbour: removing its local 127.0.0.1");
    LabHost.check(neighbour.run(List.of("ip", "route", "add", "127.0.0.1/32", "via", hostAddress, "dev", device, "src", source),
        timeout), "neighbour: routing 127.0.0.1 to the host");
  }

  static List<Probe> parseArguments(List<String> args) {
    if (args.size() % 3 != 0) {
      throw new IllegalArgumentException("expected SOURCE TARGET PORT triples, got " + args.size() + " arguments");
    }
    List<Probe> probes = new ArrayList<>();
    for (int i = 0; i < args.size(); i += 3) {
      probes.add(new Probe(args.get(i), args.get(i + 1), Integer.parseInt(args.get(i + 2))));
    }
    return probes;
  }

  /** The argument list {@link #main} takes. */
  static List<String> arguments(List<Probe> probes) {
    List<String> args = new ArrayList<>();
    for (Probe p : probes) {
      args.addAll(List.of(p.source(), p.target(), Integer.toString(p.port())));
    }
    return args;
  }

  static String format(Result r) {
    return String.join("\t", r.probe().source(), r.probe().target(), Integer.toString(r.probe().port()), r.outcome().name(),
        r.banner().replaceAll("[\\t\\r\\n]", " "));
  }

  static Result parseLine(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != 5) {
      throw new IllegalArgumentException("not a probe result line: " + line);
    }
    return new Result(new Probe(f[0], f[1], Integer.parseInt(f[2])), Outcome.valueOf(f[3]), f[4]);
  }

  static Result connect(Probe probe) {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(probe.source()), 0));
      socket.connect(new InetSocketAddress(InetAddress.getByName(probe.target()), probe.port()), CONNECT_TIMEOUT_MILLIS);
      return new Result(probe, Outcome.CONNECTED, banner(socket));
    } catch (ConnectException e) {
      return new Result(probe, Outcome.REFUSED, "");
    } catch (SocketTimeoutException e) {
      return new Result(probe, Outcome.TIMED_OUT, "");
    } catch (IOException e) {
      return new Result(probe, Outcome.ERROR, String.valueOf(e.getMessage()));
    }
  }

  // Services that speak first (the lab's nc -e echo) say who they are; an HTTP server waits.
  private static String banner(Socket socket) {
    try {
      socket.setSoTimeout(BANNER_MILLIS);
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[200];
      int n = in.read(buffer);
      return n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
    } catch (IOException e) {
      return "";
    }
  }

  private static void requireAddress(String address) {
    // Only literal addresses: a name would be resolved, and a probe must never leave the lab.
    // AddressInput takes no names, prefixes, zones or "" (loopback to the library): only plain literals.
    try {
      AddressInput.address(address);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not an IP address: " + address + " (" + e.getMessage() + ")", e);
    }
  }
}
