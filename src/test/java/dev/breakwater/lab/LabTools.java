package dev.breakwater.lab;

import dev.breakwater.system.CommandRunner;
import dev.breakwater.system.RootCheck;
import java.util.stream.Stream;

/** What a test that brings the lab up needs: root (else a skip that says why) and the lab's tools. */
public final class LabTools {
  private LabTools() {}

  /**
   * Skips when not root; as root a missing tool is a failure, not a skip: CI installs it, and a
   * real-system test may be skipped only for want of root.
   */
  public static void require() {
    RootCheck.assumeRoot("the lab needs root (network namespaces, mounts, dockerd)");
    if (!Stream.of("dockerd", "docker", "ufw", "iptables", "busybox", "nsenter", "unshare").allMatch(t -> CommandRunner.find(t).isPresent())) {
      throw new AssertionError("the lab needs docker.io, ufw, iptables, busybox-static, util-linux (installed by .ci/run)");
    }
  }
}
