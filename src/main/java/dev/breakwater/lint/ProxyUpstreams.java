package dev.breakwater.lint;

import dev.breakwater.compose.DisplayPath;
import dev.breakwater.compose.PortEntry;
import dev.breakwater.net.PortRange;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The host ports that a reverse proxy configured in the linted tree sends its traffic to: nginx's
 * {@code proxy_pass http://172.17.0.1:2019;} and Caddy's {@code reverse_proxy localhost:2019}. A
 * published port that is such an upstream is meant to be internal, and the address the proxy
 * uses is the one to bind it to (127.0.0.1 for {@code localhost}).
 *
 * <p>Deliberately a bounded scan, not a parser: {@code *.conf} files and Caddyfiles, at most
 * {@value #MAX_FILES} files of at most 1 MiB, at most {@value #MAX_DEPTH} directories deep, and
 * only the {@code proxy_pass} / {@code reverse_proxy} lines whose upstream is an IP literal or
 * {@code localhost} with a port (a container name is reached over the Compose network, not
 * through a published port).
 */
public final class ProxyUpstreams {
  static final int MAX_FILES = 200;
  static final int MAX_DEPTH = 6;
  private static final long MAX_BYTES = 1 << 20;
  private static final Pattern NGINX = Pattern.compile("^\\s*proxy_pass\\s+(?:[a-z]+://)?([^/;\\s]+)");
  private static final Pattern CADDY = Pattern.compile("^\\s*reverse_proxy\\s+(.*)$");

  /** One upstream: the address the proxy dials (as a bind address), its port, and where it is written. */
  record Upstream(String address, int port, String where) {}

  private final Map<Integer, Upstream> byPort;

  private ProxyUpstreams(Map<Integer, Upstream> byPort) {
    this.byPort = Map.copyOf(byPort);
  }

  public static ProxyUpstreams none() {
    return new ProxyUpstreams(Map.of());
  }

  /** The upstreams in the proxy configs below {@code roots} (a file stands for its directory). */
  public static ProxyUpstreams scan(List<Path> roots) {
    Map<Integer, Upstream> found = new LinkedHashMap<>();
    List<Path> configs = new ArrayList<>();
    for (Path root : roots) {
      Path dir = Files.isDirectory(root) ? root : root.toAbsolutePath().getParent();
      if (dir != null && configs.size() < MAX_FILES) {
        configs.addAll(candidates(dir, MAX_FILES - configs.size()));
      }
    }
    for (Path f : configs.stream().distinct().toList()) {
      read(f, found);
    }
    return new ProxyUpstreams(found);
  }

  private static List<Path> candidates(Path dir, int limit) {
    try (Stream<Path> walk = Files.walk(dir, MAX_DEPTH)) {
      return walk.filter(ProxyUpstreams::isProxyConfig).filter(f -> !hidden(dir, f))
          .filter(Files::isRegularFile).sorted().limit(limit).toList();
    } catch (IOException | UncheckedIOException e) {
      return List.of(); // an unreadable tree gives no upstreams; lint itself reports what it cannot read
    }
  }

  private static boolean isProxyConfig(Path f) {
    String name = f.getFileName() == null ? "" : f.getFileName().toString();
    return name.endsWith(".conf") || name.toLowerCase(Locale.ROOT).startsWith("caddyfile");
  }

  private static boolean hidden(Path root, Path f) {
    for (Path part : root.relativize(f)) {
      String p = part.toString();
      if (p.startsWith(".") && !p.equals(".") && !p.equals("..") || p.equals("node_modules")) {
        return true;
      }
    }
    return false;
  }

  private static void read(Path f, Map<Integer, Upstream> found) {
    List<String> lines;
    try {
      if (Files.size(f) > MAX_BYTES) {
        return;
      }
      lines = Files.readAllLines(f);
    } catch (IOException | UncheckedIOException e) {
      return; // not UTF-8 or unreadable: not a config this scan understands
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.contains("proxy_pass") && !line.contains("reverse_proxy")) {
        continue;
      }
      String where = DisplayPath.display(f) + ":" + (i + 1);
      Matcher n = NGINX.matcher(line);
      if (n.find()) {
        upstream(n.group(1), where).ifPresent(u -> found.putIfAbsent(u.port(), u));
        continue;
      }
      Matcher c = CADDY.matcher(line);
      if (c.find()) {
        for (String token : c.group(1).split("\\s+")) {
          if (token.startsWith("{") || token.startsWith("#")) {
            break;
          }
          upstream(token.replaceFirst("^[a-z]+://", ""), where).ifPresent(u -> found.putIfAbsent(u.port(), u));
        }
      }
    }
  }

  /** {@code 172.17.0.1:2019}, {@code localhost:2019}, {@code [::1]:2019}; a name or a bare host is not one. */
  static Optional<Upstream> upstream(String hostPort, String where) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || !hostPort.substring(colon + 1).matches("[0-9]{1,5}")) {
      return Optional.empty();
    }
    int port = Integer.parseInt(hostPort.substring(colon + 1));
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (port < 1 || port > 65535) {
      return Optional.empty();
    }
    if (host.equalsIgnoreCase("localhost")) {
      return Optional.of(new Upstream("127.0.0.1", port, where));
    }
    IPAddress ip = host.matches("[0-9A-Fa-f:.]+") ? new IPAddressString(host).getAddress() : null;
    if (ip == null || ip.isZero() || ip.isMulticast()) {
      return Optional.empty();
    }
    return Optional.of(new Upstream(ip.toCanonicalString(), port, where));
  }

  /** The upstream a publication's host port is, if a proxy config names it. */
  Optional<Upstream> of(PortEntry port) {
    Optional<PortRange> published = port.mapping().published();
    if (published.isEmpty() || byPort.isEmpty()) {
      return Optional.empty();
    }
    for (int p = published.get().first(); p <= published.get().last() && p <= published.get().first() + 256; p++) {
      Upstream u = byPort.get(p);
      if (u != null) {
        return Optional.of(u);
      }
    }
    return Optional.empty();
  }
}
