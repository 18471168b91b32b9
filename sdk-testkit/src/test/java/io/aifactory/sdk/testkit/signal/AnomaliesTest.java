package io.aifactory.sdk.testkit.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnomaliesTest {
  private static final long S = 1_000_000_000L;
  private final Signal base = Signals.ramp(10, 1);

  @Test
  void shouldAddASpikeOnlyDuringItsWindow() {
    Signal s = Anomalies.spike(Duration.ofSeconds(5), Duration.ofSeconds(1), 100).applyTo(base);
    assertEquals(14, s.valueAt(4 * S), 1e-9);
    assertEquals(115, s.valueAt(5 * S), 1e-9);
    assertEquals(16, s.valueAt(6 * S), 1e-9);
  }

  @Test
  void shouldDriftFromItsStartAndStopAtTheEndOfAWindow() {
    Signal s = Anomalies.drift(Duration.ofSeconds(10), Duration.ofSeconds(10), 0.5).applyTo(Signals.constant(1));
    assertEquals(1, s.valueAt(10 * S), 1e-9);
    assertEquals(3.5, s.valueAt(15 * S), 1e-9);
    assertEquals(1, s.valueAt(20 * S), 1e-9);
    Signal forever = Anomalies.drift(Duration.ofSeconds(10), null, 0.5).applyTo(Signals.constant(1));
    assertEquals(46, forever.valueAt(100 * S), 1e-9);
  }

  @Test
  void shouldHoldTheValueAtTheStartWhileStuck() {
    Signal s = Anomalies.stuck(Duration.ofSeconds(5), Duration.ofSeconds(3)).applyTo(base);
    assertEquals(15, s.valueAt(7 * S), 1e-9);
    assertEquals(18, s.valueAt(8 * S), 1e-9);
    assertEquals(-1, Anomalies.stuckAt(Duration.ZERO, null, -1).applyTo(base).valueAt(99 * S), 1e-9);
  }

  @Test
  void shouldAddNoiseOnlyDuringABurst() {
    Signal s = Anomalies.noiseBurst(Duration.ofSeconds(1), Duration.ofSeconds(1), 5, 9).applyTo(Signals.constant(0));
    assertEquals(0, s.valueAt(S - 1));
    assertNotEquals(0, s.valueAt(S + 12345));
    assertEquals(0, s.valueAt(2 * S));
  }

  @Test
  void shouldGiveNaNDuringADropout() {
    Signal s = Anomaly.applyAll(base, List.of(Anomalies.dropout(Duration.ofSeconds(2), Duration.ofSeconds(1))));
    assertTrue(Double.isNaN(s.valueAt(2 * S)));
    assertEquals(13, s.valueAt(3 * S), 1e-9);
  }
}
