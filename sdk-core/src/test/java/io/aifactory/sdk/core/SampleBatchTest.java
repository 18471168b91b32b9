package io.aifactory.sdk.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SampleBatchTest {
  private final Tag speed = Tag.of("speed", "holding:0:float32", DataType.FLOAT32);
  private final Tag count = Tag.of("count", "holding:2:int64", DataType.INT64);
  private final Tag running = Tag.of("running", "coil:0", DataType.BOOL);
  private final Tag wave = Tag.of("wave", "ns=2;s=W", DataType.parse("float32[3]"));
  private final Tag temp = Tag.newBuilder().name("temp").address("holding:9").dataType(DataType.INT16).scale(0.1).build();

  @Test
  void shouldKeepEveryColumnAndBoxOnDemand() {
    SampleBatch b = SampleBatch.newBuilder(1)
        .add(speed, 1500.5, Quality.GOOD, 10)
        .addLong(count, (1L << 62) + 1, Quality.GOOD, 11)
        .add(running, 1, Quality.GOOD, 12)
        .addObject(wave, new float[] {1, 2, 3}, Quality.GOOD, 13)
        .add(temp, 21.5, Quality.GOOD, 14)
        .receiveTimeNanos(99)
        .build();
    assertEquals(5, b.size());
    assertEquals(1500.5, b.doubleValue(0));
    assertEquals((1L << 62) + 1, b.longValue(1), "INT64 keeps every bit");
    assertEquals((1L << 62) + 1, b.value(1));
    assertEquals(Boolean.TRUE, b.value(2));
    assertArrayEquals(new float[] {1, 2, 3}, (float[]) b.value(3));
    assertEquals(21.5, b.value(4), "a scaled integer is a double in engineering units");
    assertEquals(13, b.sourceTimeNanos(3));
    assertEquals(99, b.receiveTimeNanos());
    assertEquals(3, b.indexOf("wave"));
    assertEquals(-1, b.indexOf("nope"));
    assertTrue(b.allGood());
    assertEquals(99, b.sample(0).receiveTimeNanos());
  }

  @Test
  void shouldNeverCarryAValueInABadRow() {
    Quality timeout = Quality.bad(Quality.Reason.TIMEOUT, "no reply in 500 ms");
    SampleBatch b = SampleBatch.newBuilder(2)
        .add(speed, 1234, timeout, 1)
        .addBad(count, Quality.bad(Quality.Reason.DISCONNECTED, ""), 2)
        .addObject(wave, new float[3], timeout, 3)
        .build();
    assertTrue(Double.isNaN(b.doubleValue(0)), "a failed read is not a number");
    assertNull(b.value(0));
    assertNull(b.value(1));
    assertNull(b.value(2));
    assertEquals(0, b.longValue(1));
    assertFalse(b.allGood());
    assertEquals(Quality.Reason.TIMEOUT, b.quality(0).reason());
    assertNull(b.sample(0).value());
    assertTrue(Double.isNaN(b.sample(0).doubleValue()));
  }

  @Test
  void shouldGrowPastTheExpectedSize() {
    SampleBatch.Builder builder = SampleBatch.newBuilder(0);
    for (int i = 0; i < 100; i++) builder.add(speed, i, Quality.GOOD, i);
    SampleBatch b = builder.build();
    assertEquals(100, b.size());
    assertEquals(99.0, b.doubleValue(99));
  }

  @Test
  void shouldCheckRowIndexes() {
    SampleBatch b = SampleBatch.newBuilder(1).add(speed, 1, Quality.GOOD, 0).build();
    assertEquals("row=1 size=1", assertThrows(IndexOutOfBoundsException.class, () -> b.doubleValue(1)).getMessage());
  }

  @Test
  void shouldRefuseMisuseOfTheBuilder() {
    assertThrows(IllegalArgumentException.class, () -> SampleBatch.newBuilder(1).addBad(speed, Quality.GOOD, 0));
    assertThrows(NullPointerException.class, () -> SampleBatch.newBuilder(1).addObject(wave, null, Quality.GOOD, 0));
    SampleBatch.Builder once = SampleBatch.newBuilder(1);
    once.build();
    assertThrows(IllegalStateException.class, once::build);
    assertThrows(IllegalStateException.class, () -> once.add(speed, 1, Quality.GOOD, 0));
  }

  @Test
  void shouldKeepEveryRowsValueWhateverOrderTheKindsOfRowsComeIn() {
    Tag speed = Tag.of("speed", "holding:0:float32", DataType.FLOAT32);
    Tag count = Tag.of("count", "holding:2:int64", DataType.INT64);
    Tag name = Tag.of("name", "holding:6:string", DataType.STRING);
    long big = Long.MAX_VALUE - 1; // no double holds it exactly
    SampleBatch b = SampleBatch.newBuilder(1) // grows on the way
        .add(speed, 12.75, Quality.GOOD, 1)
        .addLong(count, 7, Quality.GOOD, 2)
        .addObject(name, "press 3", Quality.GOOD, 3)
        .addBad(speed, Quality.bad(Quality.Reason.TIMEOUT, "late"), 4)
        .addLong(count, big, Quality.GOOD, 5)
        .add(speed, -3.5, Quality.GOOD, 6)
        .build();
    assertEquals(12.75, b.doubleValue(0));
    assertEquals(12L, b.longValue(0));
    assertEquals(7L, b.value(1));
    assertEquals("press 3", b.value(2));
    assertEquals(0L, b.longValue(2));
    assertEquals(null, b.value(3));
    assertEquals(0L, b.longValue(3));
    assertEquals(big, b.longValue(4), "an INT64 beyond 2^53 keeps every bit");
    assertEquals(big, b.value(4));
    assertEquals(-3L, b.longValue(5));
    assertEquals(-3.5, b.value(5));
  }
}
