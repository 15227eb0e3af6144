package dev.breakwater.ufw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.problem.InputProblem;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import org.junit.jupiter.api.Test;

class UfwStatusReaderTest {
  // Columns as ufw 0.36 prints them ("%-26s %-12s%s"), including a To wider than 26 characters.
  private static final String VERBOSE = """
      Status: active
      Logging: on (low)
      Default: deny (incoming), allow (outgoing), deny (routed)
      New profiles: skip

      To                         Action      From
      --                         ------      ----
      22/tcp                     ALLOW IN    Anywhere                   # ssh
      3306/tcp                   DENY IN     Anywhere
      80,443/tcp                 ALLOW IN    Anywhere
      6000:6007/tcp              ALLOW IN    198.51.100.0/24
      53                         ALLOW IN    Anywhere
      Anywhere on eth1           ALLOW IN    198.51.100.7
      5432/tcp                   REJECT IN   Anywhere
      OpenSSH                    LIMIT IN    Anywhere
      172.17.0.2 8080/tcp        ALLOW FWD   Anywhere on eth0
      25/tcp                     DENY OUT    Anywhere
      22/tcp (v6)                ALLOW IN    Anywhere (v6)              # ssh
      3306/tcp (v6)              ALLOW IN    Anywhere (v6)
      2001:db8:10::10 9000/tcp (v6) DENY IN     Anywhere (v6)
      """;

  private static UfwStatus verbose() {
    return UfwStatusReader.read(VERBOSE, "ufw-status.txt");
  }

  @Test
  void readsStatusAndDefaults() {
    UfwStatus status = verbose();

    assertThat(status.active()).isTrue();
    assertThat(status.defaultIncoming()).isEqualTo("deny");
    assertThat(status.defaultOutgoing()).isEqualTo("allow");
    assertThat(status.defaultRouted()).isEqualTo("deny");
  }

  @Test
  void readsEveryRowWithItsColumnsDirectionFamilyAndLine() {
    UfwStatus status = verbose();

    assertThat(status.rules()).hasSize(13);
    assertThat(status.rules().getFirst()).isEqualTo(new UfwRule("22/tcp", "ALLOW", "IN", "Anywhere", false, 8));
    assertThat(status.rules().get(5)).isEqualTo(new UfwRule("Anywhere on eth1", "ALLOW", "IN", "198.51.100.7", false, 13));
    assertThat(status.rules().get(8))
        .isEqualTo(new UfwRule("172.17.0.2 8080/tcp", "ALLOW", "FWD", "Anywhere on eth0", false, 16));
    assertThat(status.rules().get(9).direction()).isEqualTo("OUT");
    assertThat(status.rules().get(10)).isEqualTo(new UfwRule("22/tcp (v6)", "ALLOW", "IN", "Anywhere (v6)", true, 18));
    assertThat(status.rules().get(12).to()).isEqualTo("2001:db8:10::10 9000/tcp (v6)");
    assertThat(status.rules().get(12).action()).isEqualTo("DENY");
  }

  @Test
  void claimIsDecidedByTheFirstIncomingRuleThatCoversThePort() {
    UfwStatus status = verbose();

    assertThat(status.claimFor(22, Transport.TCP)).isEqualTo(UfwClaim.ALLOW);
    assertThat(status.claimFor(3306, Transport.TCP)).isEqualTo(UfwClaim.DENY);
    assertThat(status.claimFor(443, Transport.TCP)).isEqualTo(UfwClaim.ALLOW);
    assertThat(status.claimFor(6003, Transport.TCP)).as("in 6000:6007").isEqualTo(UfwClaim.ALLOW);
    assertThat(status.claimFor(6003, Transport.UDP)).as("the range is tcp only").isEqualTo(UfwClaim.ALLOW);
    assertThat(status.claimFor(53, Transport.UDP)).as("53 with no protocol is tcp and udp").isEqualTo(UfwClaim.ALLOW);
    assertThat(status.claimFor(5432, Transport.TCP)).as("the earlier \"Anywhere on eth1\" rule covers every port").isEqualTo(UfwClaim.ALLOW);
    assertThat(status.ruleFor(5432, Transport.TCP)).get().extracting(UfwRule::to).isEqualTo("Anywhere on eth1");
  }

  @Test
  void withoutAnInterfaceWideRuleTheDefaultDecides() {
    UfwStatus status = UfwStatusReader.read(VERBOSE.replace("Anywhere on eth1           ALLOW IN    198.51.100.7\n", ""), "u");

    assertThat(status.claimFor(5432, Transport.TCP)).as("REJECT is a deny").isEqualTo(UfwClaim.DENY);
    assertThat(status.claimFor(8080, Transport.TCP)).as("FWD rules are not incoming rules").isEqualTo(UfwClaim.DENY);
    assertThat(status.claimFor(25, Transport.TCP)).as("OUT rules are not incoming rules").isEqualTo(UfwClaim.DENY);
    assertThat(status.claimFor(6379, Transport.TCP)).isEqualTo(UfwClaim.DENY);
    assertThat(status.ruleFor(6379, Transport.TCP)).isEmpty();
    assertThat(status.claimFor(6003, Transport.UDP)).isEqualTo(UfwClaim.DENY);
  }

  @Test
  void familyFilterReadsOnlyThatFamilysRows() {
    UfwStatus status = verbose();

    assertThat(status.claimFor(3306, Transport.TCP, IpFamily.V4)).isEqualTo(UfwClaim.DENY);
    assertThat(status.claimFor(3306, Transport.TCP, IpFamily.V6)).isEqualTo(UfwClaim.ALLOW);
    assertThat(status.claimFor(9000, Transport.TCP, IpFamily.V6)).isEqualTo(UfwClaim.DENY);
  }

  @Test
  void applicationProfilesOfUbuntusPackagesAreKnown() {
    UfwStatus status = UfwStatusReader.read("""
        Status: active
        Default: allow (incoming), allow (outgoing), disabled (routed)

        To                         Action      From
        --                         ------      ----
        Nginx Full                 DENY IN     Anywhere
        MyCustomApp                DENY IN     Anywhere
        """, "u");

    assertThat(status.defaultRouted()).isEqualTo("disabled");
    assertThat(status.claimFor(443, Transport.TCP)).isEqualTo(UfwClaim.DENY);
    assertThat(status.claimFor(8443, Transport.TCP)).as("unknown profile: no port known").isEqualTo(UfwClaim.ALLOW);
  }

  @Test
  void inactiveUfwClaimsNothing() {
    UfwStatus status = UfwStatusReader.read("Status: inactive\n", "u");

    assertThat(status.active()).isFalse();
    assertThat(status.rules()).isEmpty();
    assertThat(status.claimFor(3306, Transport.TCP)).isEqualTo(UfwClaim.NONE);
    assertThat(status.claimFor(3306, Transport.TCP).label()).isEqualTo("none");
  }

  @Test
  void plainStatusHasNoDefaultsAndRowsWithoutDirectionAreIncoming() {
    UfwStatus status = UfwStatusReader.read("""
        Status: active

        To                         Action      From
        --                         ------      ----
        22/tcp                     ALLOW       Anywhere
        8080/tcp                   ALLOW OUT   Anywhere
        """, "u");

    assertThat(status.defaultIncoming()).isEqualTo("unknown");
    assertThat(status.rules().getFirst().direction()).isEqualTo("IN");
    assertThat(status.claimFor(22, Transport.TCP)).isEqualTo(UfwClaim.ALLOW);
    assertThat(status.claimFor(3306, Transport.TCP)).as("default not printed").isEqualTo(UfwClaim.NONE);
  }

  @Test
  void loggingRulesKeepTheirAction() {
    UfwStatus status = UfwStatusReader.read("""
        Status: active

        To                         Action      From
        --                         ------      ----
        3306/tcp                   DENY IN (log) Anywhere
        """, "u");

    assertThat(status.rules().getFirst()).isEqualTo(new UfwRule("3306/tcp", "DENY", "IN", "Anywhere", false, 5));
  }

  @Test
  void textThatIsNotUfwStatusIsRejectedWithItsLine() {
    assertThatThrownBy(() -> UfwStatusReader.read("ERROR: You need to be root to run this script\n", "snap/ufw-status.txt"))
        .isInstanceOf(UfwStatusParseException.class)
        .isInstanceOf(InputProblem.class)
        .hasMessageStartingWith("snap/ufw-status.txt:1: expected \"Status: active\" or \"Status: inactive\"");
    assertThatThrownBy(() -> UfwStatusReader.read("\nStatus: active\n\nTo  Action  From\n--  ------  ----\n22/tcp OPEN Anywhere\n", "u"))
        .hasMessageStartingWith("u:6: expected a rule row");
  }
}
