package dev.breakwater.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogLineTest {
  static final Instant TS = Instant.parse("2026-11-24T16:00:00.123456Z");

  @Test
  void fieldsKeepTheirOrderAfterTsAndEvent() {
    assertThat(LogLine.at(TS, "drift-corrected").with("chain", "BREAKWATER").with("family", "ipv4").with("added", 2).toString())
        .isEqualTo("ts=2026-11-24T16:00:00.123Z event=drift-corrected chain=BREAKWATER family=ipv4 added=2");
  }

  @Test
  void valuesThatWouldBreakTheLineAreQuoted() {
    assertThat(LogLine.quoted("db,web")).isEqualTo("db,web");
    assertThat(LogLine.quoted("/etc/breakwater/policy.yml")).isEqualTo("/etc/breakwater/policy.yml");
    assertThat(LogLine.quoted("[::1]:9105")).isEqualTo("[::1]:9105");
    assertThat(LogLine.quoted("two words")).isEqualTo("\"two words\"");
    assertThat(LogLine.quoted("a=b")).isEqualTo("\"a=b\"");
    assertThat(LogLine.quoted("")).isEqualTo("\"\"");
    assertThat(LogLine.quoted("say \"no\"\nthen \\")).isEqualTo("\"say \\\"no\\\"\\nthen \\\\\"");
  }

  @Test
  void aLineIsAlwaysOneLine() {
    String line = LogLine.at(TS, "apply-failed").with("error", "iptables-restore: line 3 failed\nCOMMIT\r\n").toString();
    assertThat(line).doesNotContain("\n").doesNotContain("\r");
  }

  @Test
  void keysAreCheckedSoTheFormatStaysParseable() {
    assertThatThrownBy(() -> LogLine.at(TS, "x").with("latency ms", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LogLine.at(TS, "x").with("a=b", 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
