package dev.breakwater.hostconf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.catalog.Severity;
import dev.breakwater.hostconf.UfwDefaults.Policy;
import dev.breakwater.problem.BadInput;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * /etc/default/ufw's one reader (the snapshot's ufw-default and a repository's default/ufw) and
 * what its forward policy means.
 */
public class UfwDefaultsTest {
  /** What /etc/default/ufw holds on Ubuntu 24.04 (ufw 0.36.2), comments shortened. */
  public static final String UBUNTU_UFW_DEFAULT = """
      # /etc/default/ufw
      #

      # Set to yes to apply rules to support IPv6 (no means only IPv6 on loopback
      # accepted). You will need to 'disable' and then 'enable' the firewall for
      # the changes to take affect.
      IPV6=yes

      # Set the default input policy to ACCEPT, DROP, or REJECT. Please note that if
      # you change this you will most likely want to adjust your rules.
      DEFAULT_INPUT_POLICY="DROP"

      # Set the default output policy to ACCEPT, DROP, or REJECT.
      DEFAULT_OUTPUT_POLICY="ACCEPT"

      # Set the default forward policy to ACCEPT, DROP or REJECT.  Please note that
      # if you change this you will most likely want to adjust your rules
      DEFAULT_FORWARD_POLICY="DROP"

      DEFAULT_APPLICATION_POLICY="SKIP"
      MANAGE_BUILTINS=no
      IPT_SYSCTL=/etc/ufw/sysctl.conf
      IPT_MODULES=""
      """;


  /** The line of {@link #UBUNTU_UFW_DEFAULT} that sets DEFAULT_FORWARD_POLICY. */
  public static int forwardPolicyLine() {
    return UBUNTU_UFW_DEFAULT.substring(0, UBUNTU_UFW_DEFAULT.indexOf("DEFAULT_FORWARD_POLICY")).split("\n", -1).length;
  }

  @Test
  void readsTheForwardAndInputPoliciesWithTheLineThatSetsTheForwardOne() {
    int line = forwardPolicyLine();
    assertThat(UfwDefaults.parse(UBUNTU_UFW_DEFAULT, "snap/ufw-default", "/etc/default/ufw"))
        .isEqualTo(new UfwDefaults(Optional.of(Policy.DROP), Optional.of(Policy.DROP),
            Optional.of(new ConfigPlace("/etc/default/ufw", line, 1))));
    UfwDefaults flipped = UfwDefaults.parse(
        UBUNTU_UFW_DEFAULT.replace("DEFAULT_FORWARD_POLICY=\"DROP\"", "DEFAULT_FORWARD_POLICY=\"accept\""), "ufw-default",
        "/etc/default/ufw");
    assertThat(flipped.forwardPolicy()).contains(Policy.ACCEPT);
    assertThat(flipped.forwardAccepts()).isTrue();
    assertThat(flipped.forwardPolicyWhere()).as("the audit cites the line").isEqualTo("/etc/default/ufw:" + line);
    UfwDefaults none = UfwDefaults.parse("IPV6=yes\n", "u");
    assertThat(none).isEqualTo(new UfwDefaults(Optional.empty(), Optional.empty()));
    assertThat(none.forwardPolicyWhere()).isEqualTo("/etc/default/ufw");
  }

  @Test
  void theLastLineWinsAndACommentAfterTheValueIsNotPartOfIt() {
    UfwDefaults defaults = UfwDefaults.parse("""
        DEFAULT_FORWARD_POLICY="DROP"
          DEFAULT_FORWARD_POLICY="ACCEPT"   # for podman
        DEFAULT_INPUT_POLICY=DROP #
        """, "default/ufw");

    assertThat(defaults.forwardPolicy()).contains(Policy.ACCEPT);
    assertThat(defaults.forwardPolicyAt()).contains(new ConfigPlace("default/ufw", 2, 3));
    assertThat(defaults.inputPolicy()).contains(Policy.DROP);
  }

  @Test
  void aFileOfTheWrongShapeIsBadInputAtItsLineInTheFileRead() {
    assertThatThrownBy(() -> UfwDefaults.parse("IPV6=yes\nDEFAULT_FORWARD_POLICY=\"OPEN\"\n", "snap/ufw-default",
        "/etc/default/ufw"))
        .isInstanceOf(BadInput.class)
        .hasMessage("snap/ufw-default:2:24: expected DEFAULT_FORWARD_POLICY=\"ACCEPT\", \"DROP\" or \"REJECT\", found 'OPEN'");
    // ufw status output saved under the wrong name
    assertThatThrownBy(() -> UfwDefaults.parse("# copy\nStatus: active\n", "snap/ufw-default", "/etc/default/ufw"))
        .isInstanceOf(BadInput.class)
        .hasMessage("snap/ufw-default:2:1: expected KEY=value, a # comment or a blank line (a copy of /etc/default/ufw),"
            + " found 'Status: active'");
    // a repository's copy is read as strictly as a snapshot's (lint once ignored such lines)
    assertThatThrownBy(() -> UfwDefaults.parse("DEFAULT_FORWARD_POLICY=\"ACCEPT\"\nufw enable\n", "deploy/default/ufw"))
        .isInstanceOf(BadInput.class).hasMessageStartingWith("deploy/default/ufw:2:1: expected KEY=value");
  }

  @Test
  void whatItReadsIsBounded() {
    String huge = "IPV6=yes\n".repeat(KeyValueFile.MAX_LINES + 1);

    assertThatThrownBy(() -> UfwDefaults.parse(huge, "default/ufw"))
        .isInstanceOf(BadInput.class).hasMessageStartingWith("default/ufw:" + (KeyValueFile.MAX_LINES + 1) + ":1: expected at most");
    assertThat(UfwDefaults.parse("IPV6=yes\n".repeat(KeyValueFile.MAX_LINES), "default/ufw").forwardPolicy()).isEmpty();
  }

  @Test
  void forwardAcceptIsAFindingAtTheKeyOfTheLastSettingDropIsNone() {
    UfwDefaults accept = UfwDefaults.parse("DEFAULT_FORWARD_POLICY=\"DROP\"\nIPV6=yes\nDEFAULT_FORWARD_POLICY=\"ACCEPT\"\n",
        "snap/ufw-default", "/etc/default/ufw");

    assertThat(UfwDefaultChecks.of(accept)).singleElement().satisfies(f -> {
      assertThat(f.id()).isEqualTo(UfwDefaultChecks.FORWARD_ACCEPT);
      assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
      assertThat(f.where()).isEqualTo(new ConfigPlace("/etc/default/ufw", 3, 1));
      assertThat(f.fix()).contains("DEFAULT_FORWARD_POLICY=\"DROP\"").contains("ufw route allow");
    });
    assertThat(UfwDefaultChecks.of(UfwDefaults.parse("DEFAULT_FORWARD_POLICY=\"ACCEPT\"\nDEFAULT_FORWARD_POLICY=REJECT\n",
        "u"))).isEmpty();
    assertThat(UfwDefaultChecks.of(UfwDefaults.parse(UBUNTU_UFW_DEFAULT, "u"))).isEmpty();
  }
}
