package dev.breakwater.hostconf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.catalog.Severity;
import dev.breakwater.hostconf.JailConfig.JailFile;
import dev.breakwater.problem.BadInput;
import java.util.List;
import org.junit.jupiter.api.Test;

/** fail2ban's merge order and INI, and the jail that bans in INPUT for a published container port. */
class Fail2banChecksTest {
  private static final List<ContainerPublish> NGINX = List.of(
      new ContainerPublish("nginx", 80, 80), new ContainerPublish("nginx", 8443, 443));

  private static JailConfig config(JailFile... files) {
    return JailConfig.parse(JailConfig.inMergeOrder(List.of(files)));
  }

  @Test
  void filesMergeAsFail2banMergesThem() {
    List<JailFile> order = JailConfig.inMergeOrder(List.of(
        new JailFile("jail.d/b.local", ""), new JailFile("jail.local", ""), new JailFile("jail.d/z.conf", ""),
        new JailFile("jail.conf", ""), new JailFile("jail.d/a.conf", "")));

    assertThat(order).extracting(JailFile::name)
        .containsExactly("jail.conf", "jail.d/a.conf", "jail.d/z.conf", "jail.local", "jail.d/b.local");
  }

  @Test
  void aJailsOwnKeyBeatsALaterDefaultAndALaterFileBeatsAnEarlierOne() {
    JailConfig config = config(
        new JailFile("jail.conf", "[DEFAULT]\nport = 0:65535\nchain = INPUT\n[sshd]\nport = ssh\n"),
        new JailFile("jail.local", "[DEFAULT]\nport = 2222\nchain = DOCKER-USER\n[web]\nenabled = true\n"));

    assertThat(config.get("sshd", "port").orElseThrow().value()).isEqualTo("ssh");
    assertThat(config.get("web", "port").orElseThrow().value()).isEqualTo("2222");
    assertThat(config.get("web", "chain").orElseThrow().place()).isEqualTo(new ConfigPlace("jail.local", 3, 1));
    assertThat(config.jails()).containsExactly("sshd", "web");
  }

  @Test
  void continuationsCommentsAndInterpolation() {
    JailConfig config = config(new JailFile("jail.local", """
        # comment
        [web]
        ; another
        port = http,
           https
        action = %(banaction)s[name=%(__name__)s]
        banaction = iptables-multiport
        """));

    assertThat(config.get("web", "port").orElseThrow().value()).isEqualTo("http,\nhttps");
    assertThat(config.get("web", "port").orElseThrow().place().line()).isEqualTo(4);
    assertThat(config.get("web", "action").orElseThrow().value()).isEqualTo("iptables-multiport[name=web]");
  }

  @Test
  void aSemicolonAfterWhiteSpaceStartsAnInlineCommentAHashDoesNot() {
    JailConfig config = config(new JailFile("jail.local", "[web]\nenabled = true ; on since March\nport = 80;443\n"));

    assertThat(config.get("web", "enabled").orElseThrow().value()).isEqualTo("true");
    assertThat(config.get("web", "port").orElseThrow().value()).isEqualTo("80;443");
  }

  @Test
  void aLineOfAnotherShapeIsAnErrorAtItsLine() {
    assertThatThrownBy(() -> config(new JailFile("jail.local", "[web]\nenabled = true\nnot a setting\n")))
        .isInstanceOf(BadInput.class).hasMessageStartingWith("jail.local:3:1: expected a [section]");
    assertThatThrownBy(() -> config(new JailFile("jail.local", "enabled = true\n")))
        .isInstanceOf(BadInput.class).hasMessageStartingWith("jail.local:1:1:");
  }

  @Test
  void anEnabledJailBanningInInputForAPublishedPortIsAFindingAtItsEnabledLine() {
    JailConfig config = config(
        new JailFile("/etc/fail2ban/jail.conf", "[DEFAULT]\nchain = <known/chain>\n[nginx-http-auth]\nport = http,https\n"),
        new JailFile("/etc/fail2ban/jail.local", "[nginx-http-auth]\nenabled = true\n"));

    assertThat(Fail2banChecks.of(config, NGINX)).singleElement().satisfies(f -> {
      assertThat(f.id()).isEqualTo(Fail2banChecks.INPUT_CHAIN);
      assertThat(f.severity()).isEqualTo(Severity.HIGH);
      assertThat(f.where()).isEqualTo(new ConfigPlace("/etc/fail2ban/jail.local", 2, 1));
      assertThat(f.message()).contains("[nginx-http-auth] bans in chain INPUT").contains("port 80 (nginx)");
      assertThat(f.fix()).contains("'chain = DOCKER-USER'").contains("'port = 80'");
    });
  }

  @Test
  void noFindingWhenDisabledNotPublishedOrBanningInDockerUser() {
    String jail = "[web]\nport = 80\n";
    assertThat(Fail2banChecks.of(config(new JailFile("jail.local", jail)), NGINX)).isEmpty();
    assertThat(Fail2banChecks.of(config(new JailFile("jail.local", jail + "enabled = true\n")), List.of())).isEmpty();
    assertThat(Fail2banChecks.of(config(new JailFile("jail.local", jail + "enabled = true\nchain = DOCKER-USER\n")), NGINX))
        .isEmpty();
    assertThat(Fail2banChecks.of(config(new JailFile("jail.local",
        jail + "enabled = true\naction = iptables-multiport[name=web, port=\"80\", chain=\"DOCKER-USER\"]\n")), NGINX))
        .isEmpty();
    // nftables bans at the input hook whatever "chain" says.
    assertThat(Fail2banChecks.of(config(new JailFile("jail.local",
        jail + "enabled = true\nbanaction = nftables-multiport\nchain = DOCKER-USER\n")), NGINX)).hasSize(1);
  }

  @Test
  void portsAreNumbersRangesAndServiceNames() {
    Fail2banChecks.Ports ports = Fail2banChecks.Ports.parse("ssh, 8000:8100,mysql");
    assertThat(ports.contains(22)).isTrue();
    assertThat(ports.contains(8050)).isTrue();
    assertThat(ports.contains(3306)).isTrue();
    assertThat(ports.contains(80)).isFalse();
    assertThat(Fail2banChecks.Ports.parse("unknown-service").contains(80)).isFalse();
  }
}
