package dev.breakwater.gather;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class InspectCacheTest {
  static final JsonMapper JSON = JsonMapper.builder().build();

  final InspectCache<JsonNode> cache = new InspectCache<>();
  final List<String> inspected = new CopyOnWriteArrayList<>();

  static JsonNode summary(String id, String status, String ip) {
    return JSON.readTree("""
        {"Id":"%s","Names":["/%s"],"State":"running","Status":"%s","NetworkSettings":{"Networks":{"bridge":{"IPAddress":"%s"}}}}"""
        .formatted(id, id, status, ip));
  }

  List<String> refresh(JsonNode... summaries) {
    List<String> names = new ArrayList<>();
    cache.refresh(List.of(summaries), id -> {
      inspected.add(id);
      return id.startsWith("gone") ? Optional.empty() : Optional.of(JSON.readTree("{\"Id\":\"" + id + "\",\"Name\":\"/" + id + "\"}"));
    }).forEach(n -> names.add(n.path("Id").asString()));
    return names;
  }

  @Test
  void onlyNewOrChangedContainersAreInspectedAgain() {
    assertThat(refresh(summary("a", "Up 1 second", "198.18.0.2"), summary("b", "Up 1 second", "198.18.0.3"))).containsExactly("a", "b");
    assertThat(inspected).containsExactlyInAnyOrder("a", "b");
    inspected.clear();

    // Time passes (Status changes), c starts, b moves to another address (network reconnect).
    assertThat(refresh(summary("a", "Up 9 seconds", "198.18.0.2"), summary("b", "Up 9 seconds", "198.18.0.9"),
        summary("c", "Up 1 second", "198.18.0.4"))).containsExactly("a", "b", "c");
    assertThat(inspected).containsExactlyInAnyOrder("b", "c");
  }

  @Test
  void stoppedContainersAreForgottenAndOnesGoneBeforeTheirInspectAreSkipped() {
    refresh(summary("a", "Up", "198.18.0.2"), summary("b", "Up", "198.18.0.3"));
    assertThat(refresh(summary("b", "Up", "198.18.0.3"), summary("gone1", "Up", "198.18.0.5"))).containsExactly("b");
    assertThat(cache.size()).isEqualTo(1);
    inspected.clear();
    assertThat(refresh(summary("a", "Up", "198.18.0.2"))).containsExactly("a");
    assertThat(inspected).containsExactly("a");
  }
}
