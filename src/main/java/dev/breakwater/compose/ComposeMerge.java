package dev.breakwater.compose;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Merges compose files as {@code docker compose -f a.yaml -f b.yaml} does: services by name;
 * {@code ports} as a set keyed by host address, target, published port and protocol (so a base
 * {@code 3306:3306} survives an override that adds another port); {@code environment} by
 * variable; single values replaced; {@code !reset} clears a key and {@code !override} replaces
 * it instead of merging.
 */
public final class ComposeMerge {
  private ComposeMerge() {}

  public static Project merge(List<ComposeDocument> docs) {
    Map<String, Service> services = new LinkedHashMap<>();
    Map<String, String> hostBindings = new HashMap<>();
    List<SourceFile> files = new ArrayList<>();
    for (ComposeDocument doc : docs) {
      files.add(doc.file());
      hostBindings.putAll(doc.networkHostBinding());
      for (Service s : doc.services()) {
        Service base = services.get(s.name());
        services.put(s.name(), base == null ? s
            : merge(base, s, doc.resetKeys().getOrDefault(s.name(), Set.of()),
                doc.overrideKeys().getOrDefault(s.name(), Set.of())));
      }
    }
    List<Service> out = new ArrayList<>();
    for (Service s : services.values()) {
      out.add(s.withDefaultHostIp(defaultHostIp(s, hostBindings)));
    }
    return new Project(files, out);
  }

  /** The address "no address" means for this service: every network it joins must agree. */
  private static Optional<String> defaultHostIp(Service s, Map<String, String> hostBindings) {
    if (s.networkMode().isPresent()) {
      return Optional.empty();
    }
    List<String> networks = s.networks().isEmpty() ? List.of("default") : s.networks();
    String ip = null;
    for (String n : networks) {
      String b = hostBindings.get(n);
      if (b == null || b.isBlank() || (ip != null && !ip.equals(b))) {
        return Optional.empty();
      }
      ip = b.trim();
    }
    return Optional.ofNullable(ip);
  }

  private static Service merge(Service base, Service over, Set<String> reset, Set<String> override) {
    return new Service(
        base.name(),
        base.anchor(),
        single("image", base.image(), over.image(), reset),
        list("ports", base.ports(), over.ports(), reset, override, ComposeMerge::portKey),
        list("expose", base.expose(), over.expose(), reset, override, Scalar::value),
        single("network_mode", base.networkMode(), over.networkMode(), reset),
        env(base.environment(), over.environment(), reset, override),
        reset.contains("command") ? List.of() : over.command().isEmpty() ? base.command() : over.command(),
        list("volumes", base.volumes(), over.volumes(), reset, override, Scalar::value),
        single("privileged", base.privileged(), over.privileged(), reset),
        Optional.empty(),
        list("networks", base.networks(), over.networks(), reset, override, n -> n),
        Optional.empty(),
        List.of());
  }

  private static String portKey(PortEntry p) {
    PortMapping m = p.mapping();
    return m.hostIp().orElse("") + "|" + m.target() + "|" + m.published().map(Object::toString).orElse("")
        + "|" + m.protocol();
  }

  private static <T> Optional<T> single(String key, Optional<T> base, Optional<T> over, Set<String> reset) {
    if (reset.contains(key)) {
      return Optional.empty();
    }
    return over.isPresent() ? over : base;
  }

  private static <T> List<T> list(String key, List<T> base, List<T> over, Set<String> reset,
      Set<String> override, java.util.function.Function<T, String> identity) {
    if (reset.contains(key)) {
      return List.of();
    }
    if (override.contains(key)) {
      return over;
    }
    Map<String, T> merged = new LinkedHashMap<>();
    base.forEach(t -> merged.put(identity.apply(t), t));
    over.forEach(t -> merged.put(identity.apply(t), t));
    return new ArrayList<>(merged.values());
  }

  private static Map<String, Scalar> env(Map<String, Scalar> base, Map<String, Scalar> over,
      Set<String> reset, Set<String> override) {
    if (reset.contains("environment")) {
      return Map.of();
    }
    if (override.contains("environment")) {
      return over;
    }
    Map<String, Scalar> merged = new LinkedHashMap<>(base);
    merged.putAll(over);
    return merged;
  }
}
