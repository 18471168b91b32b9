package io.aifactory.sdk.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.modbus.ModbusTable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HolesTest {
  private long now = 1_000;
  private final Holes holes = new Holes(() -> now);

  @Test
  void shouldRetryARefusedValueAfterDoublingDelaysUpToAMinute() {
    ModbusTable t = ModbusTable.HOLDING_REGISTER;
    assertEquals(0, holes.untilRetry(1, t, 5, 6), "never refused: due now");
    long expected = Holes.FIRST_RETRY_NANOS;
    for (int i = 0; i < 12; i++) {
      holes.refused(1, t, 5, 6);
      assertEquals(expected, holes.untilRetry(1, t, 5, 6), "refusal " + (i + 1));
      now += expected;
      assertEquals(0, holes.untilRetry(1, t, 5, 6), "due after its delay");
      expected = Math.min(expected * 2, Holes.MAX_RETRY_NANOS);
    }
    assertEquals(TimeUnit.MINUTES.toNanos(1), expected);
    assertEquals(0, holes.untilRetry(2, t, 5, 6), "another unit's register is another value");
  }

  @Test
  void shouldForgetAHoleThatAnswersAndMakePlansStale() {
    ModbusTable t = ModbusTable.HOLDING_REGISTER;
    holes.refused(1, t, 5, 7);
    assertTrue(holes.any(1, t, 6, 7));
    long version = holes.version();
    holes.answered(1, t, 5, 7);
    assertFalse(holes.any(1, t, 0, 100));
    assertNotEquals(version, holes.version());
    assertEquals(0, holes.untilRetry(1, t, 5, 7));
    holes.refused(1, t, 5, 7);
    assertEquals(Holes.FIRST_RETRY_NANOS, holes.untilRetry(1, t, 5, 7), "refused again: the backoff starts over");
  }
}
