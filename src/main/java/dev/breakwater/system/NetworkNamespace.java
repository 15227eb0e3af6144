package dev.breakwater.system;

import dev.breakwater.problem.BadInput;
import dev.breakwater.problem.EnvironmentProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A network namespace by its {@code ip netns} name, the one name rule and the one way in
 * ({@code nsenter --net=/run/netns/NAME}). {@code ip netns exec} is not used: it remounts
 * {@code /sys}, which fails inside the lab's private mount namespace, and it costs about three
 * times as much per command.
 *
 * <p>iproute2 ({@code ip/ipnetns.c}, {@code is_valid_netns_name}) refuses empty names, names
 * longer than NAME_MAX, names containing '/' and the names "." and "..". Breakwater takes the part
 * of that which never needs quoting and cannot be read as an option: letters, digits, '_', '.'
 * and '-', at most 64, not starting with '.' or '-'. So {@code _lab} and {@code bwl-host} are
 * names; {@code ../etc}, {@code a/b} and {@code -n} are not.
 */
public record NetworkNamespace(String name) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");
  /** Where {@code ip netns add} bind-mounts the namespaces it names. */
  private static final Path RUN_NETNS = Path.of("/run/netns");

  /** What a name may be, for messages. */
  public static final String NAME_RULE =
      "a namespace name as 'ip netns' shows it (letters, digits, _ . -, up to 64, not starting with . or -)";

  /** @throws BadInput when {@code name} is not a namespace name */
  public NetworkNamespace {
    if (!isName(name)) {
      throw new BadInput("expected " + NAME_RULE + ", got '" + name + "'");
    }
  }

  /** The namespace {@code name}, or {@link BadInput} saying what a name may be, for {@code option}. */
  public static NetworkNamespace named(String option, String name) {
    if (!isName(name)) {
      throw new BadInput(option + ": expected " + NAME_RULE + ", got '" + name + "'");
    }
    return new NetworkNamespace(name);
  }

  public static boolean isName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  public Path path() {
    return RUN_NETNS.resolve(name);
  }

  public boolean exists() {
    return Files.exists(path());
  }

  /** @throws EnvironmentProblem when the namespace does not exist (any more) */
  void requireExists() {
    if (!exists()) {
      throw new EnvironmentProblem("no such network namespace: " + name + " (" + path()
          + " does not exist; 'ip netns list' shows the namespaces there are)");
    }
  }

  /** The {@code nsenter} options that enter this namespace (before {@code --} and the command). */
  List<String> nsenterOptions() {
    return List.of("--net=" + path());
  }
}
