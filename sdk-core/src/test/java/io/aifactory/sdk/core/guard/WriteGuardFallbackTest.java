package io.aifactory.sdk.core.guard;

import static io.aifactory.sdk.core.guard.GuardTesting.SETPOINT;
import static io.aifactory.sdk.core.guard.GuardTesting.await;
import static io.aifactory.sdk.core.guard.GuardTesting.live;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.guard.GuardDecision.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dead-man timer and sourceBad: the fallback, once per stall, re-armed when proposals resume. */
class WriteGuardFallbackTest {
  private final InMemoryDevice plc = new InMemoryDevice(SETPOINT, 50);
  private final Recorder recorder = new Recorder();
  private WriteGuard guard;

  @AfterEach
  void tearDown() {
    if (guard != null) guard.close();
  }

  private void start(WriteGuard.Builder b) {
    guard = b.build();
    guard.addListener(recorder);
    guard.start();
  }

  @Test
  void shouldWriteTheSafeValueWhenNoProposalArrivesWithinTheDeadman() throws Exception {
    start(live(plc).maxStep(1).deadman(Duration.ofMillis(200)).fallback(Fallback.safeValue(10)));
    GuardDecision d = recorder.next(Outcome.FALLBACK);
    assertEquals(10, d.written(), "the safe value is not limited by the step");
    assertEquals(50, d.before());
    assertEquals(10, d.after());
    assertTrue(d.reason().contains("no proposal"), d.reason());
    assertEquals(List.of(10.0), plc.writes());
  }

  @Test
  void shouldHoldAndWriteNothingWhenTheFallbackIsHold() throws Exception {
    start(live(plc).deadman(Duration.ofMillis(200)).fallback(Fallback.hold()));
    GuardDecision d = recorder.next(Outcome.FALLBACK);
    assertTrue(d.reason().startsWith("holding 50.0"), d.reason());
    assertFalse(d.wrote());
    assertEquals(List.of(), plc.writes());
  }

  @Test
  void shouldOnlyAuditTheSafeValueInShadowMode() throws Exception {
    start(live(plc).mode(GuardMode.SHADOW).fallback(Fallback.safeValue(10)));
    guard.sourceBad("BAD(TIMEOUT)");
    GuardDecision d = recorder.next(Outcome.FALLBACK);
    assertEquals(10, d.decided());
    assertFalse(d.wrote());
    assertEquals(List.of(), plc.writes());
  }

  @Test
  void shouldFallBackOncePerStallAndAgainAfterProposalsResume() throws Exception {
    start(live(plc).fallback(Fallback.safeValue(10)));
    guard.sourceBad("BAD(DISCONNECTED, machine 3)");
    GuardDecision first = recorder.next(Outcome.FALLBACK);
    assertTrue(first.reason().contains("source BAD: BAD(DISCONNECTED, machine 3)"), first.reason());

    guard.sourceBad("still BAD");
    // Tasks run in order on the guard's one thread: once this proposal is decided, the second sourceBad was handled.
    assertEquals(Outcome.ACCEPTED, await(guard.propose(12)).outcome());
    assertEquals(1, guard.metrics().fallbacks(), "one fallback for one stall");

    guard.sourceBad("BAD again");
    GuardDecision second = recorder.next(Outcome.FALLBACK);
    assertTrue(second.reason().contains("BAD again"), second.reason());
    assertEquals(2, guard.metrics().fallbacks());
    assertEquals(List.of(10.0, 12.0, 10.0), plc.writes());
  }

  @Test
  void shouldRearmTheDeadmanWhenProposalsResume() throws Exception {
    start(live(plc).deadman(Duration.ofMillis(200)).fallback(Fallback.hold()));
    recorder.next(Outcome.FALLBACK);
    assertEquals(Outcome.ACCEPTED, await(guard.propose(55)).outcome());
    GuardDecision again = recorder.next(Outcome.FALLBACK);
    assertTrue(again.reason().startsWith("holding 55.0"), again.reason());
  }
}
