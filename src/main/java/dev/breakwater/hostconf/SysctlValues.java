package dev.breakwater.hostconf;

import dev.breakwater.problem.BadInput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output of {@code sysctl KEY...} or {@code sysctl -a --pattern ...}: {@code key = value}
 * lines. sysctl writes a dot inside an interface name as {@code /} ({@code eth0/100}); the key
 * is kept as printed and {@link #interfaceValues} turns it back.
 */
public final class SysctlValues {
  private static final Pattern LINE = Pattern.compile("([A-Za-z0-9_./-]+)\\s*=\\s*(.*)");

  private final Map<String, JailConfig.Setting> values;

  private SysctlValues(Map<String, JailConfig.Setting> values) {
    this.values = Map.copyOf(values);
  }

  /** @throws BadInput at a line that is not {@code key = value}, a comment or blank */
  public static SysctlValues parse(String text, String file) {
    Map<String, JailConfig.Setting> values = new LinkedHashMap<>();
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String stripped = line.strip();
      if (stripped.isEmpty() || stripped.startsWith("#") || stripped.startsWith(";")) {
        continue;
      }
      // sysctl -a as a user prints "sysctl: permission denied on key ..." to stderr; a copy of
      // both streams holds it, and it says nothing about the keys read here.
      if (stripped.startsWith("sysctl:")) {
        continue;
      }
      Matcher m = LINE.matcher(stripped);
      if (!m.matches()) {
        throw new BadInput(file + ":" + (i + 1) + ":" + (line.indexOf(stripped) + 1)
            + ": expected 'key = value' (the output of sysctl), found '"
            + (stripped.length() <= 60 ? stripped : stripped.substring(0, 57) + "...") + "'");
      }
      values.put(m.group(1), new JailConfig.Setting(m.group(2).strip(),
          new ConfigPlace(file, i + 1, line.indexOf(stripped) + 1)));
    }
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
