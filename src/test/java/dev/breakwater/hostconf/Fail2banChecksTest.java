package dev.breakwater.hostconf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.catalog.Severity;
import dev.breakwater.hostconf.JailConfig.JailFile;
import dev.breakwater.net.Transport;
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
  void aJailBansOnlyItsProtocolTcpWhenNothingSaysOtherwise() {
    List<ContainerPublish> dns = List.of(new ContainerPublish("dns", 53, 53, Transport.TCP),
        new ContainerPublish("dns", 53, 53, Transport.UDP));
    String jail = "[named]\nenabled = true\nport = domain\n";

    // no protocol: tcp (jail.conf's DEFAULT and the actions' [Init]), so only 53/tcp is guarded, in INPUT
    assertThat(Fail2banChecks.of(config(new JailFile("jail.local", jail)), dns)).singleElement().satisfies(f -> {
      assertThat(f.id()).isEqualTo(Fail2banChecks.INPUT_CHAIN);
      assertThat(f.message()).contains("port 53 (dns) is a published").doesNotContain("53/udp");
    });
    assertThat(Fail2banChecks.of(config(new JailFile("jail.local", jail + "protocol = udp\n")), dns)).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("port 53/udp (dns) is a published").doesNotContain("53 (dns)"));
    // the nftables actions loop over a list
    assertThat(Fail2banChecks.of(config(new JailFile("jail.local", jail + "protocol = tcp,udp\nbanaction = nftables-multiport\n")),
        dns)).singleElement().satisfies(f -> assertThat(f.message()).contains("port 53 (dns), 53/udp (dns)"));
  }

  @Test
  void aJailWhoseProtocolIsNotThePublishedPortsProtectsNothingWhateverItsChain() {
    JailConfig config = config(new JailFile("jail.local",
        "[web-auth]\nenabled = true\nport = 8443\nchain = DOCKER-USER\nprotocol = udp\n"));

    assertThat(Fail2banChecks.of(config, NGINX)).singleElement().satisfies(f -> {
      assertThat(f.id()).isEqualTo(Fail2banChecks.PROTOCOL);
      assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
      assertThat(f.where()).isEqualTo(new ConfigPlace("jail.local", 5, 1));
      assertThat(f.message()).contains("bans only udp").contains("port 8443 (nginx)").contains("published over tcp");
      assertThat(f.fix()).contains("'protocol = tcp'");
    });
    // the right protocol in DOCKER-USER: nothing to say
    assertThat(Fail2banChecks.of(config(new JailFile("jail.local",
        "[web-auth]\nenabled = true\nport = 8443\nchain = DOCKER-USER\nprotocol = TCP\n")), NGINX)).isEmpty();
  }

  @Test
  void protocolAllIsEveryProtocolForAllportsAndARefusedRuleForMultiport() {
    String jail = "[web-auth]\nenabled = true\nport = 8443\nprotocol = all\n";

    // iptables-multiport (the default): iptables refuses -p all with -m multiport, so the jail bans nobody
    assertThat(Fail2banChecks.of(config(new JailFile("jail.local", jail + "chain = DOCKER-USER\n")), NGINX))
        .singleElement().satisfies(f -> {
          assertThat(f.id()).isEqualTo(Fail2banChecks.PROTOCOL);
          assertThat(f.severity()).isEqualTo(Severity.HIGH);
          assertThat(f.where().line()).isEqualTo(4);
          assertThat(f.message()).contains("'protocol = all' with banaction iptables-multiport").contains("bans nobody");
          assertThat(f.fix()).contains("iptables-allports");
        });
    // iptables-allports with all: every protocol banned, so the chain decides
    assertThat(Fail2banChecks.of(config(new JailFile("jail.local", jail + "banaction = iptables-allports\n")), NGINX))
        .singleElement().satisfies(f -> assertThat(f.id()).isEqualTo(Fail2banChecks.INPUT_CHAIN));
    assertThat(Fail2banChecks.of(config(new JailFile("jail.local",
        jail + "banaction = iptables-allports\nchain = DOCKER-USER\n")), NGINX)).isEmpty();
    // set in DEFAULT, the protocol line named is DEFAULT's
    assertThat(Fail2banChecks.of(config(new JailFile("jail.conf", "[DEFAULT]\nprotocol = all\n"),
        new JailFile("jail.local", "[web-auth]\nenabled = true\nport = 8443\n")), NGINX)).singleElement()
        .satisfies(f -> assertThat(f.where()).isEqualTo(new ConfigPlace("jail.conf", 2, 1)));
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
