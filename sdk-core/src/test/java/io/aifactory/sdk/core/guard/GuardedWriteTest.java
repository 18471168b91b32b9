package io.aifactory.sdk.core.guard;

import static io.aifactory.sdk.core.guard.GuardTesting.SETPOINT;
import static io.aifactory.sdk.core.guard.GuardTesting.live;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.guard.GuardDecision.Outcome;
import io.aifactory.sdk.core.pipeline.GuardedWrite;
import io.aifactory.sdk.core.pipeline.MachineResult;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GuardedWrite: one machine's results become proposals, a BAD result is a BAD source, other machines are ignored. */
class GuardedWriteTest {
  private static final List<String> OUTPUTS = List.of("score", "feed");
  private final InMemoryDevice plc = new InMemoryDevice(SETPOINT, 50);
  private final Recorder recorder = new Recorder();
  private final WriteGuard guard = live(plc).fallback(Fallback.hold()).build();

  @AfterEach
  void tearDown() {
    guard.close();
  }

  private static MachineResult good(String machine, long seq, double feed) {
    return new MachineResult("p", machine, seq, 0, Quality.GOOD, OUTPUTS, new double[] {0.1, feed});
  }

  @Test
  void shouldProposeTheMappedValueOfItsMachineOnly() throws Exception {
    guard.addListener(recorder);
    guard.start();
    try (GuardedWrite action = new GuardedWrite("press-3", guard, r -> r.value("feed"))) {
      action.onResult(good("press-4", 1, 90));
      action.onResult(good("press-3", 1, Double.NaN)); // the mapping says: nothing to propose
      action.onResult(good("press-3", 2, 61));
      GuardDecision d = recorder.next(Outcome.ACCEPTED);
      assertEquals(61, d.written());
      assertTrue(recorder.decisions.isEmpty(), "one decision: " + recorder.decisions);
      assertEquals(List.of(61.0), plc.writes());
    }
  }

  @Test
  void shouldTellTheGuardItsSourceIsBadAndLeaveTheGuardOpenOnClose() throws Exception {
    guard.addListener(recorder);
    guard.start();
    GuardedWrite action = new GuardedWrite("press-3", guard, r -> r.value("feed"));
    action.onResult(MachineResult.bad("p", "press-4", 1, 0, Quality.bad(Quality.Reason.TIMEOUT, "other"), OUTPUTS));
    action.onResult(MachineResult.bad("p", "press-3", 1, 0, Quality.bad(Quality.Reason.TIMEOUT, "stale window"), OUTPUTS));
    GuardDecision d = recorder.next(Outcome.FALLBACK);
    assertTrue(d.reason().contains("source BAD: BAD(TIMEOUT, stale window)"), d.reason());
    action.close();
    assertEquals(Outcome.ACCEPTED, guard.propose(55).get().outcome(), "the guard outlives the action");
  }
}
