package dev.breakwater.lab;

import dev.breakwater.host.HostFacts;
import java.util.List;

/**
 * The fix step of the demo: change the lab host's firewall so that the bypass is closed and the
 * intended public port stays open; the demo then proves both with real connections.
 *
 * <p>The seam for dev.breakwater.policy: once `breakwater plan`/`apply` are on main, an
 * implementation parses the demo policy
 *
 * <pre>
 * interfaces: [eth0]
 * default: deny
 * allow:
 *   - port: 8080/tcp
 *     from: any
 * </pre>
 *
 * plans it against {@code facts} ({@code Plan.make(facts, policy, engine)}, refusing when not
 * proved), applies {@code plan.compiled()} with an {@code ApplyTransaction} on
 * {@code IptablesApplier.inNamespace(Lab.HOST_NS)} whose state store lives under the lab's
 * directory, and returns the plan's text; the demo then shows Breakwater's own fix instead of
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
