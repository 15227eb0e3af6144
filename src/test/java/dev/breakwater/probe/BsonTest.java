package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BsonTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  @Test
  void decodesTheSpecificationsExample() {
    // {"hello": "world"} from https://bsonspec.org/faq.html
    byte[] doc = hex("16000000 02 68656c6c6f00 06000000 776f726c6400 00");
    assertThat(Bson.decode(ByteBuffer.wrap(doc))).isEqualTo(Map.of("hello", "world"));
  }

  @Test
  void decodesTheSpecificationsArrayExample() {
    // {"BSON": ["awesome", 5.05, 1986]} from https://bsonspec.org/faq.html
    byte[] doc = hex("31000000 04 42534f4e00 26000000 02 3000 08000000 617765736f6d6500"
        + " 01 3100 333333333333 1440 10 3200 c2070000 00 00");
    assertThat(Bson.decode(ByteBuffer.wrap(doc))).isEqualTo(Map.of("BSON", List.of("awesome", 5.05, 1986)));
  }

  @Test
  void encodesACommandWithItsNameFirst() {
    Map<String, Object> hello = new LinkedHashMap<>();
    hello.put("hello", 1);
    hello.put("$db", "admin");
    // int32 length, 0x10 "hello" int32 1, 0x02 "$db" string "admin", terminator.
    assertThat(Bson.encode(hello)).isEqualTo(hex("1f000000 10 68656c6c6f00 01000000 02 24646200 06000000 61646d696e00 00"));
  }

  @Test
  void aLengthBeyondTheBufferIsRejected() {
    assertThatThrownBy(() -> Bson.decode(ByteBuffer.wrap(hex("ff000000 00"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
  }
}
