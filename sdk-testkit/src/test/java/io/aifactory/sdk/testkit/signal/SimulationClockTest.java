package io.aifactory.sdk.testkit.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class SimulationClockTest {
  @Test
  void shouldMoveOnlyWhenAdvanced() {
    SimulationClock clock = SimulationClock.startingAt(Instant.parse("2026-03-01T06:00:00Z"));
    assertEquals(Instant.parse("2026-03-01T06:00:00Z"), clock.instant());
    clock.advance(Duration.ofSeconds(90));
    assertEquals(Instant.parse("2026-03-01T06:01:30Z"), clock.instant());
    assertEquals(Duration.ofSeconds(90), clock.elapsed());
    assertEquals(Instant.parse("2026-03-01T06:01:30Z"), clock.withZone(ZoneId.of("Europe/Berlin")).instant());
  }

  @Test
  void shouldRefuseToGoBackwards() {
    SimulationClock clock = SimulationClock.create();
    clock.advance(Duration.ofSeconds(5));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> clock.advanceTo(1));
    assertEquals("elapsedNanos < now: 1 < 5000000000", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofSeconds(-1)));
  }
}
