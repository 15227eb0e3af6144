package dev.breakwater.firewall;

import dev.breakwater.net.IpFamily;
import dev.breakwater.policy.SourceIpset;
import dev.breakwater.system.CommandFailed;
import dev.breakwater.system.NetfilterTools;
import java.util.List;
import java.util.function.Supplier;

/**
 * The iptables kind of firewall, as a transaction sees it: {@link NetfilterTools} with every
 * failure turned into an {@link ApplyException}, which the transaction answers by putting back
 * what was there.
 */
class IptablesBackend {
  private final NetfilterTools tools;

  IptablesBackend(NetfilterTools tools) {
    this.tools = tools;
  }

  String saveFilter(IpFamily family) {
    return call(() -> tools.saveFilter(family));
  }

  void restore(IpFamily family, String text) {
    call(() -> {
      tools.restore(family, text);
      return null;
    });
  }

  List<String> setNames() {
    return call(tools::setNames);
  }

  void ipsetRestore(String text) {
    call(() -> {
      tools.ipsetRestore(text);
      return null;
    });
  }

  /** Destroys one of Breakwater's own sets; false when the kernel refuses (still referenced). */
  boolean destroySet(String name) {
    if (!SourceIpset.isOurs(name)) {
      throw new IllegalArgumentException("not a Breakwater set: " + name);
    }
    return call(() -> tools.destroySet(name));
  }

  private static <T> T call(Supplier<T> command) {
    try {
      return command.get();
    } catch (CommandFailed e) {
      throw new ApplyException(e.getMessage());
    }
  }
}
