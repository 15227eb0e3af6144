package dev.breakwater.demo;

import dev.breakwater.lab.LabPackages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.problem.EnvironmentProblem;
import dev.breakwater.system.CommandRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Step 1 of the demo without touching apt: what it says about missing packages, and when it installs. */
class DemoCheckMachineTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final Demo demo = new Demo(new PrintStream(bytes, true, StandardCharsets.UTF_8), Path.of("/nonexistent"), Optional.empty(), new PolicyFix());

  /** Pretends docker.io and busybox-static are missing until installed. */
  private static final class FakePackages extends LabPackages {
    final List<List<String>> installed = new ArrayList<>();

    FakePackages() {
      super(CommandRunner.local());
    }

    @Override
    public List<DebianPackage> missing() {
      return installed.isEmpty() ? List.of(NEEDED.get(3), NEEDED.get(4)) : List.of();
    }

    @Override
    public void install(List<DebianPackage> packages) {
      installed.add(packages.stream().map(DebianPackage::name).toList());
    }
  }

  @Test
  void saysWhatIsMissingAndWhyThenInstallsWithConsent() {
    FakePackages packages = new FakePackages();
    demo.checkMachine(packages, missing -> true);
    assertThat(packages.installed).containsExactly(List.of("docker.io", "busybox-static"));
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("docker.io - the lab's own Docker daemon")
        .contains("busybox-static - the only program inside the lab's containers")
        .contains("installed.");
  }

  @Test
  void withoutConsentNothingIsInstalledAndTheErrorSaysHow() {
    FakePackages packages = new FakePackages();
    assertThatThrownBy(() -> demo.checkMachine(packages, missing -> false))
        .isInstanceOf(EnvironmentProblem.class)
        .hasMessage("the demo needs docker.io, busybox-static: install them (sudo apt-get install -y docker.io busybox-static) "
            + "or run 'sudo breakwater demo --yes'");
    assertThat(packages.installed).isEmpty();
  }

  @Test
  void everyNeededPackageSaysWhyItIsNeeded() {
    assertThat(LabPackages.NEEDED).extracting(LabPackages.DebianPackage::name)
        .containsExactly("iproute2", "iptables", "ufw", "docker.io", "busybox-static");
    assertThat(LabPackages.NEEDED).allSatisfy(p -> assertThat(p.why()).isNotBlank());
  }
}
