package io.aifactory.examples.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Tag;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The guard's limits, in shadow mode (which never touches a device, so none is needed). */
class FeedOverrideGuardTest {
  private static final long SECOND = 1_000_000_000L;
  private final FeedOverrideGuard guard = new FeedOverrideGuard(null, Tag.of("spindle2.feedOverride", "holding:18:uint16",
      DataType.UINT16), 50, 100, 10, Duration.ofSeconds(2), FeedOverrideGuard.Mode.SHADOW);

  @Test
  void shouldNotWriteBeforeTheValueOnTheMachineIsKnown() {
    guard.propose(70, 0);
    assertEquals(0, guard.writes());
    assertEquals(-1, guard.current());
  }

  @Test
  void shouldStepAtMostMaxStepAndWaitTheMinimumIntervalBetweenWrites() {
    guard.start(100, 0);
    guard.propose(70, 0);
    assertEquals(90, guard.current());
    guard.propose(70, SECOND); // too soon
    assertEquals(90, guard.current());
    guard.propose(70, 2 * SECOND);
    assertEquals(80, guard.current());
    guard.propose(70, 4 * SECOND);
    guard.propose(70, 6 * SECOND); // already there: no write
    assertEquals(70, guard.current());
    assertEquals(3, guard.writes());
  }

  @Test
  void shouldKeepWithinMinAndMax() {
    guard.start(55, 0);
    guard.propose(0, 0);
    assertEquals(50, guard.current());
    guard.propose(0, 10 * SECOND);
    assertEquals(50, guard.current());
    guard.propose(500, 20 * SECOND);
    assertEquals(60, guard.current());
    assertEquals(2, guard.writes());
  }
}
