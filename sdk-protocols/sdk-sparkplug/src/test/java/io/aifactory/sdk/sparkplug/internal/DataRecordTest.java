package io.aifactory.sdk.sparkplug.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataRecordTest {
  @Test
  void shouldKeepEveryValueKindQualityAndTimeAcrossEncoding() {
    DataRecord r = new DataRecord(42, "press3", List.of(
        new DataRecord.Entry("running", true, Quality.GOOD, 1L),
        new DataRecord.Entry("count", Long.MIN_VALUE, Quality.GOOD, 2L),
        new DataRecord.Entry("temperature", 21.5, Quality.UNCERTAIN, 3L),
        new DataRecord.Entry("recipe", "A-7", Quality.GOOD, 4L),
        new DataRecord.Entry("press3/score", null, Quality.BAD, 5L)));
    DataRecord back = DataRecord.decode(r.encode());
    assertEquals(42, back.epoch());
    assertEquals("press3", back.device());
    assertEquals(5, back.entries().size());
    assertEquals(true, back.entries().get(0).value());
    assertEquals(Long.MIN_VALUE, back.entries().get(1).value());
    assertEquals(21.5, back.entries().get(2).value());
    assertEquals(Quality.UNCERTAIN, back.entries().get(2).quality());
    assertEquals("A-7", back.entries().get(3).value());
    assertNull(back.entries().get(4).value());
    assertEquals(Quality.BAD, back.entries().get(4).quality());
    assertEquals(5L, back.entries().get(4).timeMillis());
  }

  @Test
  void shouldRefuseAnUnknownVersionOrATruncatedRecord() {
    byte[] bytes = new DataRecord(1, "d", List.of(new DataRecord.Entry("m", 1.0, Quality.GOOD, 1))).encode();
    byte[] other = bytes.clone();
    other[0] = 9;
    assertThrows(IllegalArgumentException.class, () -> DataRecord.decode(other));
    assertThrows(IllegalArgumentException.class, () -> DataRecord.decode(Arrays.copyOf(bytes, bytes.length - 3)));
  }
}
