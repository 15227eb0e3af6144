package dev.breakwater.fix;

import dev.breakwater.compose.FixSite;

import dev.breakwater.compose.BadInputException;
import dev.breakwater.compose.Interpolator;
import dev.breakwater.compose.PortEntry;
import dev.breakwater.compose.PortMapping;
import dev.breakwater.compose.SourceFile;
import dev.breakwater.lint.LintFinding;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds unbound publications to an address by editing only the characters of each port entry:
 * {@code "3306:3306"} becomes {@code "127.0.0.1:3306:3306"} inside the same quotes, a long-syntax
 * entry gets a {@code host_ip:} key at its own indentation, {@code -p 8080:80} becomes {@code -p
 * 127.0.0.1:8080:80}. Comments, quoting, key order and indentation stay as they were. Suppressed
 * findings and explicit addresses ({@code 0.0.0.0:80:80}) are left alone, and so are the findings
 * of rules that fix only on request (a reverse proxy's 80/443) unless {@code all} is set. A
 * finding that names its own address (the one a proxy in the repository reaches it on) is bound
 * to that address instead of the default.
 */
public final class PortFixer {
  private final String defaultAddress;
  private final boolean all;

  /** The fix of one file: its edits, the new text and the entries that could not be edited. */
  public record FileFix(SourceFile file, List<Edit> edits, String newText, List<String> skipped) {
    public String diff() {
      return UnifiedDiff.of(file, edits);
    }
  }

  public PortFixer(String bindAddress) {
    this(bindAddress, false);
  }

  public PortFixer(String bindAddress, boolean all) {
    this.defaultAddress = parseBindAddress(bindAddress).toCanonicalString();
    this.all = all;
  }

  /** An IP literal that is not "every address"; a {@link BadInputException} otherwise. */
  public static IPAddress parseBindAddress(String text) {
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    IPAddress ip = new IPAddressString(t).getAddress();
    if (ip == null || ip.isPrefixed() || !t.matches("[0-9A-Fa-f:.]+")) {
      throw new BadInputException("--bind: '" + text + "' is not an IP address (expected e.g. 127.0.0.1 or 172.17.0.1)");
    }
    if (ip.isZero()) {
      throw new BadInputException("--bind: '" + text + "' means every address; give the address that should reach the ports");
    }
    return ip;
  }

  public List<FileFix> fix(List<LintFinding> findings) {
    Map<SourceFile, List<Edit>> edits = new LinkedHashMap<>();
    Map<SourceFile, List<String>> skipped = new LinkedHashMap<>();
    Map<SourceFile, java.util.Set<Integer>> seen = new LinkedHashMap<>();
    for (LintFinding f : findings) {
      if (f.suppressed() || f.port().isEmpty() || f.rule().fixOnRequest() && !all) {
        continue;
      }
      PortEntry port = f.port().get();
      if (!seen.computeIfAbsent(port.file(), k -> new java.util.HashSet<>()).add(port.start())) {
        continue;
      }
      Optional<Edit> edit = edit(port, new IPAddressString(f.bindTo().orElse(defaultAddress)).getAddress());
      if (edit.isPresent()) {
        edits.computeIfAbsent(port.file(), k -> new ArrayList<>()).add(edit.get());
      } else {
        skipped.computeIfAbsent(port.file(), k -> new ArrayList<>()).add(port.file().displayPath() + ":"
            + port.line() + ": left as is (" + why(port.fixSite()) + ")");
      }
    }
    List<FileFix> out = new ArrayList<>();
    for (var e : edits.entrySet()) {
      out.add(new FileFix(e.getKey(), e.getValue(), Edit.apply(e.getKey().text(), e.getValue()),
          skipped.getOrDefault(e.getKey(), List.of())));
    }
    skipped.forEach((file, why) -> {
      if (!edits.containsKey(file)) {
        out.add(new FileFix(file, List.of(), file.text(), why));
      }
    });
    return out;
  }

  private static String why(FixSite site) {
    return site instanceof FixSite.None n ? n.why() : "the written text does not match its value";
  }

  Optional<Edit> edit(PortEntry port) {
    return edit(port, new IPAddressString(defaultAddress).getAddress());
  }

  private static Optional<Edit> edit(PortEntry port, IPAddress ip) {
    String address = ip.toCanonicalString();
    boolean ipv6 = ip.isIPv6();
    String yamlAddress = ipv6 ? "\"" + address + "\"" : address;
    PortMapping m = port.mapping();
    return switch (port.fixSite()) {
      case FixSite.Prefix p -> prefix(p, m, address, ipv6);
      case FixSite.AddKey a -> Optional.of(new Edit(a.offset(), a.offset(), a.lead() + "host_ip: " + yamlAddress + a.trail()));
      case FixSite.ReplaceValue r -> Optional.of(new Edit(r.start(), r.end(), r.quoted() ? address : yamlAddress));
      case FixSite.ReplaceWhole w -> {
        String spec = new PortMapping(Optional.of(address), m.published(), m.target(), m.protocol()).toShortSyntax();
        yield Optional.of(new Edit(w.start(), w.end(), ipv6 ? "'" + spec + "'" : spec)); // '[' is a shell glob
      }
      case FixSite.None n -> Optional.empty();
    };
  }

  private static Optional<Edit> prefix(FixSite.Prefix p, PortMapping m, String address, boolean ipv6) {
    int rawColons = Interpolator.topLevelColons(p.rawContent());
    long valueColons = p.value().chars().filter(c -> c == ':').count();
    if (rawColons != valueColons) {
      return Optional.empty(); // e.g. "${MAPPING}": the colons are in the variable
    }
    String host = ipv6 ? "[" + address + "]" : address;
    boolean quote = ipv6 && p.unquotedEnd() >= 0;
    if (quote && p.shell()) {
      host = "'" + host + "'"; // shell words concatenate: '[::1]':8080:80
    }
    String text;
    if (rawColons == 0) {
      text = host + "::";
    } else if (rawColons == 1) {
      text = host + ":";
    } else if (p.rawContent().startsWith(":") && m.hostIp().map(String::isEmpty).orElse(true)) {
      text = host;
    } else {
      return Optional.empty();
    }
    if (quote && !p.shell()) {
      // A YAML plain scalar cannot start with '[': quote the whole entry.
      return Optional.of(new Edit(p.offset(), p.unquotedEnd(),
          "\"" + text + p.rawContent().replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
    }
    return Optional.of(new Edit(p.offset(), p.offset(), text));
  }
}
