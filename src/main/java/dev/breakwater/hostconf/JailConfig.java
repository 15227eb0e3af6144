package dev.breakwater.hostconf;

import dev.breakwater.problem.BadInput;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fail2ban's jail configuration, merged as fail2ban merges it: {@code jail.conf}, then
 * {@code jail.d/*.conf}, then {@code jail.local}, then {@code jail.d/*.local}, each group in name
 * order (fail2ban {@code client/configreader.py}, {@code getIncludes}/{@code read}). The files are
 * Python ConfigParser INI: {@code [section]}, {@code key = value} or {@code key: value}, {@code #}
 * and {@code ;} comments, indented lines continuing a value. A jail's key is its own section's,
 * else {@code [DEFAULT]}'s, whichever file set it last: a later {@code [DEFAULT]} does not beat an
 * earlier jail's own setting, as in ConfigParser.
 */
public final class JailConfig {
  private static final Pattern SECTION = Pattern.compile("\\[([^\\]]+)\\]\\s*");
  private static final Pattern ENTRY = Pattern.compile("([^=:\\s][^=:]*?)\\s*[=:]\\s*(.*)");
  private static final Pattern INTERPOLATION = Pattern.compile("%\\(([^)]+)\\)s");
  static final String DEFAULT = "DEFAULT";

  /** One file of the configuration, named as findings should name it. */
  public record JailFile(String name, String text) {}

  /** A value and the place of the line that set it. */
  public record Setting(String value, ConfigPlace place) {}

  private final Map<String, Map<String, Setting>> sections;

  private JailConfig(Map<String, Map<String, Setting>> sections) {
    this.sections = sections;
  }

  /**
   * The files in fail2ban's merge order; a name is the path below the configuration directory
   * ({@code jail.local}, {@code jail.d/defaults-debian.conf}) or ends with it.
   */
  public static List<JailFile> inMergeOrder(List<JailFile> files) {
    List<JailFile> sorted = new ArrayList<>(files);
    sorted.sort(Comparator.comparingInt((JailFile f) -> rank(f.name())).thenComparing(JailFile::name));
    return sorted;
  }

  private static int rank(String name) {
    boolean dropIn = name.contains("jail.d/");
    boolean local = name.endsWith(".local");
    return dropIn ? (local ? 3 : 1) : (local ? 2 : 0);
  }

  /**
   * @param files in the order they are merged (see {@link #inMergeOrder})
   * @throws BadInput at a line that is none of a section, a setting, a continuation, a comment or blank
   */
  public static JailConfig parse(List<JailFile> files) {
    Map<String, Map<String, Setting>> sections = new LinkedHashMap<>();
    for (JailFile file : files) {
      parse(file, sections);
    }
    return new JailConfig(sections);
  }

  private static void parse(JailFile file, Map<String, Map<String, Setting>> sections) {
    List<String> lines = file.text().lines().toList();
    String section = null;
    String lastKey = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String stripped = line.strip();
      if (stripped.isEmpty() || stripped.startsWith("#") || stripped.startsWith(";")) {
        continue;
      }
      int column = line.indexOf(stripped) + 1;
      ConfigPlace place = new ConfigPlace(file.name(), i + 1, column);
      if (Character.isWhitespace(line.charAt(0)) && section != null && lastKey != null) {
        Map<String, Setting> keys = sections.get(section);
        Setting before = keys.get(lastKey);
        keys.put(lastKey, new Setting(before.value() + "\n" + stripped, before.place()));
        continue;
      }
      Matcher header = SECTION.matcher(stripped);
      if (header.matches()) {
        section = header.group(1).strip();
        sections.computeIfAbsent(section, s -> new LinkedHashMap<>());
        lastKey = null;
        continue;
      }
      Matcher entry = ENTRY.matcher(stripped);
      if (section == null || !entry.matches()) {
        throw new BadInput(place + ": expected a [section], a 'key = value' line, an indented continuation, a # or ;"
            + " comment or a blank line (fail2ban's INI), found '" + BadInput.excerpt(stripped) + "'");
      }
      lastKey = entry.group(1).strip().toLowerCase(java.util.Locale.ROOT);
      sections.get(section).put(lastKey, new Setting(withoutInlineComment(entry.group(2)), place));
    }
  }

  /** fail2ban's parser takes {@code ;} after white space as an inline comment (configparserinc.py: inline_comment_prefixes). */
  private static String withoutInlineComment(String value) {
    Matcher m = Pattern.compile("\\s;").matcher(value);
    return (m.find() ? value.substring(0, m.start()) : value).strip();
  }

  /** The jails: every section but DEFAULT and the INCLUDES/Definition sections of other files. */
  public List<String> jails() {
    return sections.keySet().stream().filter(s -> !s.equals(DEFAULT) && !s.equalsIgnoreCase("INCLUDES")).toList();
  }

  /** {@code key} of {@code jail}: its own, else DEFAULT's; {@code %(name)s} replaced as fail2ban does. */
  public Optional<Setting> get(String jail, String key) {
    return raw(jail, key).map(s -> new Setting(interpolate(jail, s.value(), 0), s.place()));
  }

  private Optional<Setting> raw(String jail, String key) {
    Setting own = sections.getOrDefault(jail, Map.of()).get(key);
    return Optional.ofNullable(own != null ? own : sections.getOrDefault(DEFAULT, Map.of()).get(key));
  }

  private String interpolate(String jail, String value, int depth) {
    if (depth > 10 || !value.contains("%(")) {
      return value;
    }
    Matcher m = INTERPOLATION.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1).strip().toLowerCase(java.util.Locale.ROOT);
      // fail2ban provides __name__ (the jail's name) to every jail's interpolation.
      String replacement = name.equals("__name__") ? jail
          : raw(jail, name).map(s -> interpolate(jail, s.value(), depth + 1)).orElse(m.group());
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
