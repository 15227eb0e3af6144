package dev.breakwater.lab;

import dev.breakwater.host.HostFacts;
import java.util.List;

/**
 * The fix step of the demo: change the lab host's firewall so that the bypass is closed and the
 * intended public port stays open; the demo then proves both with real connections.
 *
 * <p>The seam for dev.breakwater.policy: once `breakwater plan`/`apply` are on main, an
 * implementation compiles a demo policy (3306 from nobody outside, 8080 from anywhere) against
 * {@code facts} with {@code Plan.make}, and restores the planned rules inside {@link Lab#HOST_NS}
 * (its {@code IptablesApplier.inNamespace}); the demo then shows Breakwater's own fix instead of
 * {@link #handWritten()}.
 */
public interface DemoFix {
  /** One line saying where the rules come from. */
  String origin();

  /**
   * Applies the fix inside the running lab.
   *
   * @param facts the snapshot the audit read
   * @return lines worth showing (the rules), beyond what the lab itself reports while applying
   */
  List<String> apply(Lab lab, HostFacts facts);

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
      public List<String> apply(Lab lab, HostFacts facts) {
        lab.applyRules(fixed.iptables(), fixed.ip6tables()); // The lab prints each rule as it applies it.
        return List.of();
      }
    };
  }
}
