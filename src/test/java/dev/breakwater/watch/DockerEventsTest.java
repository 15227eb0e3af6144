package dev.breakwater.watch;


import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class DockerEventsTest {
  static final JsonMapper JSON = JsonMapper.builder().build();

  static java.util.Optional<WatchEvent> read(String json) {
    return DockerEvents.read(JSON.readTree(json));
  }

  @Test
  void containerEventsNameTheContainer() {
    assertThat(read("""
        {"Type":"container","Action":"die","Actor":{"ID":"abc","Attributes":{"name":"web","exitCode":"0"}},"time":1795536000,"timeNano":1795536000500000000}"""))
        .contains(new WatchEvent(WatchEvent.Kind.CONTAINER_DIE, "web", Instant.parse("2026-11-24T16:00:00.5Z")));
    assertThat(read("""
        {"Type":"container","Action":"stop","Actor":{"ID":"abc","Attributes":{"name":"web"}},"time":1795536000}"""))
        .contains(new WatchEvent(WatchEvent.Kind.CONTAINER_STOP, "web", Instant.parse("2026-11-24T16:00:00Z")));
  }

  @Test
  void networkEventsNameTheContainerByItsShortId() {
    assertThat(read("""
        {"Type":"network","Action":"disconnect","Actor":{"ID":"net1","Attributes":{"container":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","name":"shop_default"}},"timeNano":1}"""))
        .hasValueSatisfying(e -> {
          assertThat(e.kind()).isEqualTo(WatchEvent.Kind.NETWORK_DISCONNECT);
          assertThat(e.container()).isEqualTo("0123456789ab");
        });
  }

  @Test
  void eventsThatCannotChangePublishedPortsAreIgnored() {
    for (String json : new String[] {
        """
        {"Type":"container","Action":"exec_start: sh -c true","Actor":{"Attributes":{"name":"db"}}}""",
        """
        {"Type":"container","Action":"health_status: healthy","Actor":{"Attributes":{"name":"db"}}}""",
        """
        {"Type":"image","Action":"pull","Actor":{"ID":"busybox"}}""",
        """
        {"Type":"network","Action":"create","Actor":{"ID":"n","Attributes":{"name":"x"}}}""",
        "{}"}) {
      assertThat(read(json)).as(json).isEmpty();
    }
  }

  @Test
  void theFiltersAskDockerdForExactlyTheseEvents() {
    assertThat(DockerEvents.FILTERS.get("type")).containsExactlyInAnyOrder("container", "network");
    assertThat(DockerEvents.FILTERS.get("event")).containsExactlyInAnyOrder("start", "stop", "die", "destroy", "connect", "disconnect");
  }
}
