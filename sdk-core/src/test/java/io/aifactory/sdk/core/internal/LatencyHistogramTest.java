package io.aifactory.sdk.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void shouldPutEveryValueInABucketWhoseBoundIsWithinASixteenthAbove() {
    for (long v = 0; v < 1_000_000; v = v < 100 ? v + 1 : v * 11 / 10) {
      long bound = LatencyHistogram.upperBound(LatencyHistogram.index(v));
      assertTrue(bound >= v && bound <= v + v / 16 + 1, "value " + v + " bound " + bound);
    }
    long huge = LatencyHistogram.upperBound(LatencyHistogram.index(Long.MAX_VALUE));
    assertTrue(huge > 0);
  }

  @Test
  void shouldReportPercentilesOfRecordedLatencies() {
    LatencyHistogram h = new LatencyHistogram();
    assertEquals(0, h.percentile(0.5));
    for (int i = 1; i <= 100; i++) {
      h.record(i * 1_000L);
    }
    long p50 = h.percentile(0.50);
    long p99 = h.percentile(0.99);
    assertTrue(p50 >= 50_000 && p50 <= 50_000 * 17 / 16, "p50 " + p50);
    assertTrue(p99 >= 99_000 && p99 <= 99_000 * 17 / 16, "p99 " + p99);
  }
}
