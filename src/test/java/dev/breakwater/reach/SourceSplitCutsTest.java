package dev.breakwater.reach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.net.IpFamily;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The cuts a piece splits at: every tested range's start and end-plus-one strictly inside the piece. */
class SourceSplitCutsTest {
  private final SourceSplit split = new SourceSplit(null, IpFamily.V4);

  /** The definition, written out: what the fast loop must equal. */
  private static TreeSet<BigInteger> byDefinition(Span span, List<Span> dependencies) {
    TreeSet<BigInteger> cuts = new TreeSet<>();
    for (Span d : dependencies) {
      if (d.family() != IpFamily.V4) {
        continue;
      }
      for (BigInteger point : List.of(d.low(), d.high().add(BigInteger.ONE))) {
        if (point.compareTo(span.low()) > 0 && point.compareTo(span.high()) <= 0) {
          cuts.add(point);
        }
      }
    }
    return cuts;
  }

  private static Span v4(long low, long high) {
    return new Span(IpFamily.V4, BigInteger.valueOf(low), BigInteger.valueOf(high));
  }

  @Test
  void rangesInsideAcrossAndOutsideThePiece() {
    Span piece = v4(100, 199);
    List<Span> deps = List.of(
        v4(0, 99),     // ends just below: its end + 1 is the piece's low, no cut
        v4(200, 300),  // starts just above: no cut
        v4(150, 150),  // inside: cuts at 150 and 151
        v4(90, 120),   // across the low end: cut at 121
        v4(190, 250),  // across the high end: cut at 190
        v4(50, 199),   // ends at the high end: no cut
        v4(0, 4294967295L), // everything: no cut
        new Span(IpFamily.V6, BigInteger.valueOf(120), BigInteger.valueOf(130))); // the other family: never
    assertThat(split.cutsInside(piece, deps)).containsExactly(
        BigInteger.valueOf(121), BigInteger.valueOf(150), BigInteger.valueOf(151), BigInteger.valueOf(190));
    assertThat(split.cutsInside(piece, deps)).isEqualTo(byDefinition(piece, deps));
  }

  @Test
  void equalsTheDefinitionOnRandomPiecesAndRanges() {
    Random random = new Random(13);
    for (int round = 0; round < 2_000; round++) {
      long a = random.nextInt(64);
      long b = a + random.nextInt(64);
      Span piece = v4(a, b);
      List<Span> deps = new ArrayList<>();
      for (int i = random.nextInt(12); i > 0; i--) {
        long low = random.nextInt(160);
        deps.add(v4(low, low + random.nextInt(40)));
      }
      assertThat(split.cutsInside(piece, deps)).as(piece + " " + deps).isEqualTo(byDefinition(piece, deps));
    }
  }
}
