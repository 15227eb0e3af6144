package dev.breakwater.hostconf;

import dev.breakwater.problem.BadInput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output of {@code sysctl KEY...} or {@code sysctl -a --pattern ...}: {@code key = value}
 * lines. sysctl writes a dot inside an interface name as {@code /} ({@code eth0/100}); the key
 * is kept as printed and {@link #interfaceValues} turns it back. {@link #parseConf} reads the
 * files that set them at boot ({@code /etc/sysctl.conf}, {@code /etc/sysctl.d/*.conf}) into the
 * same keys. At most {@link #MAX_LINES} lines are read.
 */
public final class SysctlValues {
  static final int MAX_LINES = 100_000;
  private static final Pattern LINE = Pattern.compile("([A-Za-z0-9_./-]+)\\s*=\\s*(.*)");
  /** sysctl.d(5): an optional '-' (ignore a failure), a key with '.' or '/' separators and '*' globs. */
  private static final Pattern CONF_LINE = Pattern.compile("-?([A-Za-z0-9_./*:@-]+)\\s*=\\s*(.*)");

  private final Map<String, JailConfig.Setting> values;

  private SysctlValues(Map<String, JailConfig.Setting> values) {
    this.values = Map.copyOf(values);
  }

  /** @throws BadInput at a line that is not {@code key = value}, a comment or blank */
  public static SysctlValues parse(String text, String file) {
    return read(text, file, LINE, key -> key, "expected 'key = value' (the output of sysctl)");
  }

  /**
   * A sysctl.d(5) file as systemd-sysctl and {@code sysctl --system} read it: {@code key = value},
   * {@code #} and {@code ;} comments, a leading {@code -}. A key whose first separator is a
   * {@code /} has its slashes and dots swapped, as sysctl.d says, so that keys read the way sysctl
   * prints them; a {@code *} in a key is kept (it matches every interface there).
   *
   * @throws BadInput at a line that is not a setting, a comment or blank
   */
  public static SysctlValues parseConf(String text, String file) {
    return read(text, file, CONF_LINE, SysctlValues::printed,
        "expected 'key = value', a # or ; comment or a blank line (sysctl.d(5))");
  }

  /** The {@code key = value} lines both forms share: {@code shape}'s group 1 the key, 2 the value. */
  private static SysctlValues read(String text, String file, Pattern shape, UnaryOperator<String> key, String expected) {
    Map<String, JailConfig.Setting> values = new LinkedHashMap<>();
    List<String> lines = text.lines().limit(MAX_LINES + 1).toList();
    if (lines.size() > MAX_LINES) {
      throw new BadInput(file + ":" + (MAX_LINES + 1) + ":1: expected at most " + MAX_LINES + " lines of sysctl settings");
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String stripped = line.strip();
      // sysctl -a as a user prints "sysctl: permission denied on key ..." to stderr; a copy of
      // both streams holds it, and it says nothing about the keys read here (no key starts so).
      if (stripped.isEmpty() || stripped.startsWith("#") || stripped.startsWith(";") || stripped.startsWith("sysctl:")) {
        continue;
      }
      ConfigPlace place = new ConfigPlace(file, i + 1, line.indexOf(stripped) + 1);
      Matcher m = shape.matcher(stripped);
      if (!m.matches()) {
        throw new BadInput(place + ": " + expected + ", found '"
            + BadInput.excerpt(stripped) + "'");
      }
      values.put(key.apply(m.group(1)), new JailConfig.Setting(m.group(2).strip(), place));
    }
    return new SysctlValues(values);
  }

  /** {@code net/ipv4/conf/eth0.100/route_localnet} as sysctl prints it: {@code net.ipv4.conf.eth0/100.route_localnet}. */
  private static String printed(String key) {
    int slash = key.indexOf('/');
    int dot = key.indexOf('.');
    if (slash < 0 || dot >= 0 && dot < slash) {
      return key;
    }
    StringBuilder out = new StringBuilder(key.length());
    for (char c : key.toCharArray()) {
      out.append(c == '/' ? '.' : c == '.' ? '/' : c);
    }
    return out.toString();
  }

  /** The files in the order they are applied ({@code sysctl.d} by name, then sysctl.conf): a later value wins. */
  public static SysctlValues merged(List<SysctlValues> inOrder) {
    Map<String, JailConfig.Setting> values = new LinkedHashMap<>();
    inOrder.forEach(v -> values.putAll(v.values));
    return new SysctlValues(values);
  }

  public Optional<JailConfig.Setting> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /**
   * {@code prefix.IFACE.suffix} for every interface (and {@code all}, {@code default}), in file
   * order, keyed by the interface's real name.
   */
  public Map<String, JailConfig.Setting> interfaceValues(String prefix, String suffix) {
    Map<String, JailConfig.Setting> out = new LinkedHashMap<>();
    values.forEach((key, value) -> {
      if (key.startsWith(prefix + ".") && key.endsWith("." + suffix)
          && key.length() > prefix.length() + suffix.length() + 2) {
        out.put(key.substring(prefix.length() + 1, key.length() - suffix.length() - 1).replace('/', '.'), value);
      }
    });
    return out;
  }
}
