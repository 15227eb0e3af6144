package dev.breakwater.compose;


import dev.breakwater.compose.ShellWords.Word;
import dev.breakwater.net.PortRange;
import dev.breakwater.net.Transport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds {@code docker run}, {@code docker create}, {@code docker container run|create} in shell
 * scripts and Makefile recipes and reads each into a {@link Service}: {@code -p}, {@code
 * --publish}, {@code --publish=}, attached {@code -p8080:80}, the CSV form {@code
 * published=..,target=..}, {@code -P}/{@code --publish-all}, {@code --network host}/{@code
 * --net=host}, environment, volumes, {@code --privileged}, the image and its command.
 */
public final class DockerRunReader {

  /** Options of docker run/create that take a value; everything else is a flag. */
  private static final Set<String> WITH_VALUE = Set.of(
      "-a", "--attach", "--add-host", "--annotation", "--blkio-weight", "--blkio-weight-device",
      "--cap-add", "--cap-drop", "--cgroup-parent", "--cgroupns", "--cidfile", "-c", "--cpu-shares",
      "--cpu-period", "--cpu-quota", "--cpu-rt-period", "--cpu-rt-runtime", "--cpus", "--cpuset-cpus",
      "--cpuset-mems", "--detach-keys", "--device", "--device-cgroup-rule", "--device-read-bps",
      "--device-read-iops", "--device-write-bps", "--device-write-iops", "--dns", "--dns-option",
      "--dns-search", "--domainname", "--entrypoint", "-e", "--env", "--env-file", "--expose",
      "--gpus", "--group-add", "--health-cmd", "--health-interval", "--health-retries",
      "--health-start-period", "--health-start-interval", "--health-timeout", "-h", "--hostname",
      "--ip", "--ip6", "--ipc", "--isolation", "--kernel-memory", "-l", "--label", "--label-file",
      "--link", "--link-local-ip", "--log-driver", "--log-opt", "--mac-address", "-m", "--memory",
      "--memory-reservation", "--memory-swap", "--memory-swappiness", "--mount", "--name",
      "--network", "--net", "--network-alias", "--net-alias", "--oom-score-adj", "--pid",
      "--pids-limit", "--platform", "-p", "--publish", "--pull", "--restart", "--runtime",
      "--security-opt", "--shm-size", "--stop-signal", "--stop-timeout", "--storage-opt",
      "--sysctl", "--tmpfs", "-u", "--user", "--userns", "--ulimit", "--uts", "-v", "--volume",
      "--volume-driver", "--volumes-from", "-w", "--workdir");

  private final SourceFile file;

  private DockerRunReader(SourceFile file) {
    this.file = file;
  }

  public static Project read(SourceFile file, boolean makefile) {
    DockerRunReader reader = new DockerRunReader(file);
    List<Service> services = new ArrayList<>();
    for (List<Word> command : ShellWords.commands(file.text(), makefile)) {
      int at = runVerbEnd(command);
      if (at >= 0) {
        services.add(reader.service(command, at));
      }
    }
    return new Project(List.of(file), services);
  }

  /** Index just after {@code docker [container] run|create}, or -1 when this is not one. */
  private static int runVerbEnd(List<Word> words) {
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i).value();
      String bare = w.startsWith("@") || w.startsWith("-") && i == 0 ? w.substring(1) : w;
      if (bare.equals("docker") || bare.endsWith("/docker")) {
        int j = i + 1;
        if (j < words.size() && words.get(j).value().equals("container")) {
          j++;
        }
        if (j < words.size() && (words.get(j).value().equals("run") || words.get(j).value().equals("create"))) {
          return j + 1;
        }
        return -1;
      }
    }
    return -1;
  }

  private Service service(List<Word> words, int from) {
    List<PortEntry> ports = new ArrayList<>();
    List<Scalar> expose = new ArrayList<>();
    Map<String, Scalar> environment = new LinkedHashMap<>();
    List<Scalar> volumes = new ArrayList<>();
    List<Scalar> command = new ArrayList<>();
    List<ReadingNote> notes = new ArrayList<>();
    Optional<Scalar> networkMode = Optional.empty();
    Optional<Scalar> privileged = Optional.empty();
    Optional<Scalar> publishAll = Optional.empty();
    Optional<Scalar> image = Optional.empty();
    String name = null;
    int i = from;
    while (i < words.size()) {
      Word w = words.get(i);
      String v = w.value();
      if (v.equals("--")) {
        i++;
        break;
      }
      if (!v.startsWith("-") || v.equals("-")) {
        break;
      }
      String option = v;
      Value value = null;
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        if (eq > 0) {
          option = v.substring(0, eq);
          value = new Value(w, v.substring(eq + 1), valueStart(w, eq + 1));
        } else if (WITH_VALUE.contains(v) && i + 1 < words.size()) {
          value = new Value(words.get(i + 1), words.get(i + 1).value(), valueStart(words.get(i + 1), 0));
          i++;
        }
      } else {
        // Clustered short flags (-dit) and attached values (-p8080:80, -eFOO=bar).
        for (int k = 1; k < v.length(); k++) {
          String flag = "-" + v.charAt(k);
          if (flag.equals("-P")) {
            publishAll = Optional.of(new Scalar("-P", file, w.start(), w.end()));
          }
          if (WITH_VALUE.contains(flag)) {
            option = flag;
            if (k + 1 < v.length()) {
              value = new Value(w, v.substring(k + 1), valueStart(w, k + 1));
            } else if (i + 1 < words.size()) {
              value = new Value(words.get(i + 1), words.get(i + 1).value(), valueStart(words.get(i + 1), 0));
              i++;
            }
            break;
          }
        }
      }
      i++;
      Scalar here = new Scalar(value == null ? v : value.text(), file, w.start(),
          value == null ? w.end() : value.word().end());
      switch (option) {
        case "-p", "--publish" -> {
          if (value != null) {
            publish(value, notes).ifPresent(ports::add);
          }
        }
        case "--publish-all" -> publishAll = Optional.of(here);
        case "--expose" -> expose.add(here);
        case "--network", "--net" -> networkMode = Optional.of(here);
        case "--privileged" -> privileged = Optional.of(new Scalar(
            value == null ? "true" : value.text(), file, w.start(), w.end()));
        case "-e", "--env" -> {
          if (value != null) {
            int eq = value.text().indexOf('=');
            environment.put(eq < 0 ? value.text() : value.text().substring(0, eq),
                new Scalar(eq < 0 ? "" : value.text().substring(eq + 1), file, here.start(), here.end()));
          }
        }
        case "-v", "--volume" -> volumes.add(here);
        case "--mount" -> {
          for (String part : here.value().split(",")) {
            if (part.startsWith("source=") || part.startsWith("src=")) {
              volumes.add(new Scalar(part.substring(part.indexOf('=') + 1), file, here.start(), here.end()));
            }
          }
        }
        case "--name" -> name = here.value();
        default -> { }
      }
    }
    if (i < words.size()) {
      Word img = words.get(i);
      image = Optional.of(new Scalar(img.value(), file, img.start(), img.end()));
      for (int k = i + 1; k < words.size(); k++) {
        Word c = words.get(k);
        command.add(new Scalar(c.value(), file, c.start(), c.end()));
      }
    }
    Word first = words.get(0);
    Scalar anchor = new Scalar("docker", file, first.start(), first.end());
    String serviceName = name != null ? name : image.map(Scalar::value).orElse("container");
    return new Service(serviceName, anchor, image, ports, expose, networkMode, environment, command,
        volumes, privileged, publishAll, List.of(), Optional.empty(), notes);
  }

  private record Value(Word word, String text, int start) {}

  /** Offset in the file where the value starts inside a word, skipping an opening quote. */
  private int valueStart(Word w, int indexInValue) {
    int offset = w.start();
    String raw = file.text().substring(w.start(), w.end());
    // Walk the raw text until indexInValue value characters were consumed (quotes are not values).
    int consumed = 0;
    int k = 0;
    while (k < raw.length() && consumed < indexInValue) {
      char c = raw.charAt(k);
      if (c != '"' && c != '\'') {
        consumed++;
      }
      k++;
    }
    while (k < raw.length() && (raw.charAt(k) == '"' || raw.charAt(k) == '\'')) {
      k++;
    }
    return offset + k;
  }

  /**
   * The entry of one {@code -p} value. A value that does not parse, or whose address lint cannot
   * know for a reason worth saying, becomes a note: the rest of the line and the file still count.
   */
  private Optional<PortEntry> publish(Value value, List<ReadingNote> notes) {
    Scalar where = new Scalar(value.text(), file, value.start(), Math.max(value.start(), value.word().end()));
    Optional<PortEntry> entry;
    try {
      entry = entry(value);
    } catch (PortSyntaxException e) {
      notes.add(new ReadingNote(ReadingNote.Kind.UNREADABLE, e.getMessage(), where));
      return Optional.empty();
    }
    Optional<String> doubt = value.word().doubt();
    if (doubt.isPresent() && entry.map(p -> p.mapping().binding() == HostBinding.UNKNOWN).orElse(true)) {
      notes.add(new ReadingNote(ReadingNote.Kind.ADDRESS_UNKNOWN, doubt.get(), where));
    }
    return entry;
  }

  private Optional<PortEntry> entry(Value value) throws PortSyntaxException {
    String text = value.text();
    int start = value.start();
    int end = value.word().end();
    String raw = file.text().substring(start, end);
    while (!raw.isEmpty() && (raw.endsWith("\"") || raw.endsWith("'"))) {
      raw = raw.substring(0, raw.length() - 1);
      end--;
    }
    {
      if (text.contains("=")) {
        return Optional.of(new PortEntry(csv(text), PortSyntax.CLI_CSV, file, start, end,
            new FixSite.ReplaceWhole(start, end), false));
      }
      return lenientShort(text).map(m -> new PortEntry(m, PortSyntax.CLI_SHORT, file, value.word().start(),
          value.word().end(), new FixSite.Prefix(start, file.text().substring(start, Math.max(start, value.word().end()))
              .replaceAll("[\"']+$", ""), text,
              start > 0 && (file.text().charAt(start - 1) == '"' || file.text().charAt(start - 1) == '\'') ? -1 : value.word().end(),
              true), false));
    }
  }

  /**
   * Short syntax with shell variables left in: an unknown host port still leaves the publication
   * unbound; an unknown address makes the binding unknown; an unknown container port makes the
   * whole entry unknown (empty).
   */
  private static Optional<PortMapping> lenientShort(String text) throws PortSyntaxException {
    if (!text.contains("$")) {
      return Optional.of(ShortPortSyntax.parse(text));
    }
    String[] parts = text.split(":", -1);
    String last = parts[parts.length - 1];
    if (last.contains("$")) {
      return Optional.empty();
    }
    String ip = null;
    String host = "";
    if (parts.length == 2) {
      host = parts[0];
    } else if (parts.length >= 3) {
      ip = String.join(":", java.util.Arrays.copyOf(parts, parts.length - 2));
      host = parts[parts.length - 2];
    }
    String safe = (ip == null ? "" : (ip.contains("$") ? "192.0.2.1" : ip) + ":")
        + (host.contains("$") ? "" : host) + (parts.length >= 2 ? ":" : "") + last;
    PortMapping m = ShortPortSyntax.parse(safe);
    return Optional.of(new PortMapping(ip != null && ip.contains("$") ? Optional.of(ip) : m.hostIp(),
        m.published(), m.target(), m.protocol()));
  }

  /** {@code published=8080,target=80,protocol=udp}: Docker binds it on every address. */
  private static PortMapping csv(String text) throws PortSyntaxException {
    Optional<PortRange> published = Optional.empty();
    PortRange target = null;
    Transport protocol = Transport.TCP;
    for (String field : text.split(",")) {
      int eq = field.indexOf('=');
      String k = eq < 0 ? field : field.substring(0, eq).trim();
      String v = eq < 0 ? "" : field.substring(eq + 1).trim();
      switch (k) {
        case "published" -> published = v.isEmpty() || v.contains("$")
            ? Optional.empty() : Optional.of(ShortPortSyntax.range(v, "published port", text, 0));
        case "target" -> target = ShortPortSyntax.range(v, "target port", text, 1);
        case "protocol" -> {
          String p = v;
          protocol = Transport.tryParse(p).orElseThrow(() -> new PortSyntaxException(
              "unknown protocol '" + p + "' in '" + text + "': expected tcp, udp or sctp"));
        }
        case "mode" -> { }
        default -> throw new PortSyntaxException("unknown field '" + k + "' in '" + text
            + "': expected published, target, protocol or mode");
      }
    }
    if (target == null) {
      throw new PortSyntaxException("'" + text + "' has no target=PORT");
    }
    return new PortMapping(Optional.empty(), published, target, protocol);
  }
}
