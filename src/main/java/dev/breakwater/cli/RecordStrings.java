package dev.breakwater.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Whether some string inside a value (records, collections, maps, optionals, nested to any depth)
 * contains a given text. The fleet asks it of a host's audit with the host's snapshot directory:
 * an audit that names its own files (a parse warning's {@code DIR/iptables-save.txt:12}) cannot
 * be another directory's, so that snapshot's equals are audited on their own.
 */
final class RecordStrings {
  private RecordStrings() {}

  static boolean anyContains(Object value, String text) {
    return switch (value) {
      case null -> false;
      case String s -> s.contains(text);
      case Optional<?> o -> o.isPresent() && anyContains(o.get(), text);
      case Collection<?> c -> c.stream().anyMatch(e -> anyContains(e, text));
      case Map<?, ?> m -> m.entrySet().stream().anyMatch(e -> anyContains(e.getKey(), text) || anyContains(e.getValue(), text));
      case Record r -> components(r, text);
      case Enum<?> e -> false;
      case Number n -> false;
      case Boolean b -> false;
      case Character c -> false;
      // A type this walk does not know could hold a path: the caller then audits the host itself.
      default -> true;
    };
  }

  private static boolean components(Record r, String text) {
    for (RecordComponent c : r.getClass().getRecordComponents()) {
      try {
        c.getAccessor().setAccessible(true);
        if (anyContains(c.getAccessor().invoke(r), text)) {
          return true;
        }
      } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
        return true; // unreadable: assume it names the directory
      }
    }
    return false;
  }
}
