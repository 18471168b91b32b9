package io.aifactory.sdk.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QualityTest {
  @Test
  void shouldKeepTheDevicesOwnCode() {
    Quality q = Quality.bad(Quality.Reason.DEVICE_ERROR, 0x02, "ILLEGAL_DATA_ADDRESS");
    assertTrue(q.isBad());
    assertFalse(q.isGood());
    assertEquals(2, q.rawStatus());
    assertEquals("BAD(DEVICE_ERROR, raw=0x2, ILLEGAL_DATA_ADDRESS)", q.toString());
  }

  @Test
  void shouldReturnTheSharedGoodConstantForAPlainGood() {
    assertSame(Quality.GOOD, Quality.of(Quality.Status.GOOD, Quality.Reason.NONE, 0, ""));
    assertEquals("GOOD", Quality.GOOD.toString());
  }

  @Test
  void shouldKeepUncertainDistinctFromGoodAndBad() {
    Quality q = Quality.uncertain(Quality.Reason.DEVICE_FLAGGED, 0x40000000L, "");
    assertFalse(q.isGood());
    assertFalse(q.isBad());
    assertEquals(Quality.Status.UNCERTAIN, q.status());
  }
}
