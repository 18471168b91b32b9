package io.aifactory.sdk.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PipelineStallDetectorTest {
  private static final long MS = 1_000_000;
  private final PipelineStallDetector detector = new PipelineStallDetector();

  @Test
  void shouldTurnPipeliningOffWhenEveryReplyAfterTheFirstWaitsForADelayedAck() {
    assertFalse(detector.window(8, 0, MS / 5, 40 * MS));
    assertFalse(detector.window(8, 0, MS / 5, 40 * MS));
    assertTrue(detector.window(8, 0, MS / 5, 40 * MS));
  }

  @Test
  void shouldKeepPipeliningForADeviceThatAnswersQueuedRequestsAtItsOwnPace() {
    // 10 ms per request, one after another: the rest comes at the first reply's pace.
    for (int i = 0; i < 100; i++) assertFalse(detector.window(8, 0, 10 * MS, 80 * MS));
  }

  @Test
  void shouldKeepPipeliningThroughOccasionalHiccupsOfALoadedMachine() {
    for (int i = 0; i < 100; i++) {
      boolean hiccup = i % 3 == 0;
      assertFalse(detector.window(8, 0, MS / 5, hiccup ? 30 * MS : MS / 2), "window " + i);
    }
  }

  @Test
  void shouldIgnoreWindowsOfOneRequest() {
    for (int i = 0; i < 10; i++) assertFalse(detector.window(1, 0, MS / 5, 100 * MS));
  }
}
