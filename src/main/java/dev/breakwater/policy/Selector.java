package dev.breakwater.policy;

import dev.breakwater.host.Container;
import java.util.Optional;

/** Which containers an allow entry is about. */
public sealed interface Selector {

  boolean selects(Container container);

  /** Every container: the entry is keyed on its host port alone. */
  record AnyContainer() implements Selector {
    @Override
    public boolean selects(Container container) {
      return true;
    }
  }

  /** {@code container: NAME}; Docker's leading slash is ignored. */
  record ContainerName(String name) implements Selector {
    @Override
    public boolean selects(Container container) {
      return stripSlash(container.name()).equals(stripSlash(name));
    }
  }

  /** {@code service: NAME [project: NAME]}: the compose labels Docker Compose sets. */
  record ComposeService(String service, Optional<String> project) implements Selector {
    @Override
    public boolean selects(Container container) {
      return container.composeService().equals(service)
          && project.map(p -> container.composeProject().equals(p)).orElse(true);
    }
  }

  /** {@code label: KEY[=VALUE]}. */
  record Label(String key, Optional<String> value) implements Selector {
    @Override
    public boolean selects(Container container) {
      String actual = container.labels().get(key);
      return actual != null && value.map(actual::equals).orElse(true);
    }
  }

  private static String stripSlash(String name) {
    return name.startsWith("/") ? name.substring(1) : name;
  }
}
