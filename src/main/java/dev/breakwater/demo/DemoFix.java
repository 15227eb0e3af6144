package dev.breakwater.demo;

import dev.breakwater.lab.Lab;

import dev.breakwater.host.HostFacts;
import java.util.List;

/**
 * The fix step of the demo: change the lab host's firewall so that the bypass is closed and the
 * intended public port stays open; the demo then proves both with real connections.
 *
 * <p>{@link PolicyFix} is Breakwater's own: 'plan' and 'apply' with a demo policy. Tests may
 * pass another.
 */
public interface DemoFix {
  /** One line saying where the rules come from. */
  String origin();

  /** The one attacker address the fix still lets reach 3306 ("the office"); the demo proves it gets in. */
  String allowedSource();

  /**
   * Applies the fix inside the running lab.
   *
   * @param facts the snapshot the audit read
   * @return lines worth showing (the rules), beyond what the lab itself reports while applying
   */
  List<String> apply(Lab lab, HostFacts facts);
}
