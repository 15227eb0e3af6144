package dev.breakwater.lab;

import java.util.List;

/**
 * The fix step of the demo: firewall rules for the lab host that close the bypass and keep the
 * intended public port open. The seam for dev.breakwater.policy: once `breakwater plan` can
 * write rules for a host, the demo asks it instead of using {@link #handWritten()}.
 */
public interface DemoFix {
  /** One line saying where the rules come from. */
  String origin();

  /** Argument lists for {@code iptables}, applied in order inside the lab host. */
  List<List<String>> iptables();

  /** The same for {@code ip6tables}. */
  List<List<String>> ip6tables();

  /**
   * The rules of the docker-user-fix scenario: a return for replies, then a drop of new
   * connections from outside to the original port 3306, in both families.
   */
  static DemoFix handWritten() {
    Scenario fixed = Scenario.dockerUserFix();
    return new DemoFix() {
      @Override
      public String origin() {
        return "DOCKER-USER rules written by hand (breakwater plan will write these)";
      }

      @Override
      public List<List<String>> iptables() {
        return fixed.iptables();
      }

      @Override
      public List<List<String>> ip6tables() {
        return fixed.ip6tables();
      }
    };
  }
}
