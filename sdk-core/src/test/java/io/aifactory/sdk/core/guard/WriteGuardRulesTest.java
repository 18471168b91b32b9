package io.aifactory.sdk.core.guard;

import static io.aifactory.sdk.core.guard.GuardTesting.COUNTS;
import static io.aifactory.sdk.core.guard.GuardTesting.SETPOINT;
import static io.aifactory.sdk.core.guard.GuardTesting.await;
import static io.aifactory.sdk.core.guard.GuardTesting.live;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.guard.GuardDecision.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each rule a proposal passes, and the mode, against an in-memory register. */
class WriteGuardRulesTest {
  private final InMemoryDevice plc = new InMemoryDevice(SETPOINT, 50);
  private WriteGuard guard;

  @AfterEach
  void tearDown() {
    if (guard != null) guard.close();
  }

  private WriteGuard start(WriteGuard.Builder b) {
    guard = b.build();
    guard.start();
    return guard;
  }

  @Test
  void shouldWriteAnAcceptedValueAndReportWhatReadingBackShowed() throws Exception {
    start(live(plc));
    GuardDecision d = await(guard.propose(61.25));
    assertEquals(Outcome.ACCEPTED, d.outcome(), d::toString);
    assertEquals(61.25, d.written());
    assertEquals(50, d.before());
    assertEquals(61.25, d.after());
    assertEquals(List.of(61.25), plc.writes());
    assertEquals(61.25, plc.value());
    assertEquals(d, guard.lastDecision());
    assertEquals(1, guard.metrics().accepted());
  }

  @Test
  void shouldNotRewriteAValueTheDeviceAlreadyHolds() throws Exception {
    start(live(plc).minInterval(Duration.ofHours(1)));
    GuardDecision d = await(guard.propose(50));
    assertEquals(Outcome.ACCEPTED, d.outcome(), d::toString);
    assertFalse(d.wrote());
    assertTrue(d.reason().contains("nothing written"), d.reason());
    assertEquals(List.of(), plc.writes());
    // Not a write, so it does not start the minimum interval: a real change right after it is written.
    assertEquals(55, await(guard.propose(55)).written());
  }

  @Test
  void shouldRejectAProposalOutsideTheRangeByDefault() throws Exception {
    start(live(plc));
    GuardDecision d = await(guard.propose(100.5));
    assertEquals(Outcome.BLOCKED, d.outcome());
    assertFalse(d.wrote());
    assertTrue(d.reason().contains("outside range [0.0, 100.0]"), d.reason());
    assertEquals(List.of(), plc.writes());
    assertEquals(1, guard.metrics().blocked());
  }

  @Test
  void shouldClampAProposalOutsideTheRangeWhenAskedTo() throws Exception {
    start(live(plc).clampToRange(true));
    GuardDecision d = await(guard.propose(-7));
    assertEquals(Outcome.CLAMPED, d.outcome(), d::toString);
    assertEquals(0, d.decided());
    assertEquals(0, d.written());
    assertEquals(List.of(0.0), plc.writes());
    assertEquals(1, guard.metrics().clamped());
  }

  @Test
  void shouldClampTheStepFromTheValueReadFromTheDeviceAtProposalTime() throws Exception {
    start(live(plc).maxStep(5));
    int readsBefore = plc.reads();
    GuardDecision d = await(guard.propose(90));
    assertTrue(plc.reads() > readsBefore, "the current value is read for the proposal");
    assertEquals(Outcome.CLAMPED, d.outcome(), d::toString);
    assertEquals(55, d.written());
    assertTrue(d.reason().contains("maxStep 5.0"), d.reason());

    d = await(guard.propose(10));
    assertEquals(50, d.written(), "stepped down from the 55 now on the device");
    assertEquals(List.of(55.0, 50.0), plc.writes());
  }

  @Test
  void shouldBlockAProposalTooSoonAfterTheLastWrite() throws Exception {
    start(live(plc).minInterval(Duration.ofHours(1)));
    assertEquals(Outcome.ACCEPTED, await(guard.propose(60)).outcome());
    GuardDecision d = await(guard.propose(61));
    assertEquals(Outcome.BLOCKED, d.outcome());
    assertTrue(d.reason().startsWith("too soon"), d.reason());
    assertEquals(List.of(60.0), plc.writes());
  }

  @Test
  void shouldClampTheRateOfChangeSinceTheLastWrite() throws Exception {
    // 0.001 units per second: whatever the scheduler does, less than one unit can pass between two proposals here.
    start(live(plc).maxRate(0.001));
    GuardDecision first = await(guard.propose(60));
    assertEquals(Outcome.ACCEPTED, first.outcome(), "the first write is bounded by the step alone");
    GuardDecision d = await(guard.propose(70));
    assertEquals(Outcome.CLAMPED, d.outcome(), d::toString);
    assertTrue(d.written() > 60 && d.written() < 61, d::toString);
    assertTrue(d.reason().contains("maxRate 0.001/s"), d.reason());
  }

  @Test
  void shouldRoundToWholeCountsForAnIntegerRegisterWithoutLeavingTheStep() throws Exception {
    InMemoryDevice counts = new InMemoryDevice(COUNTS, 50);
    guard = WriteGuard.newBuilder().device(counts).tag(COUNTS).range(0, 1000).maxStep(2.5).mode(GuardMode.LIVE).build();
    guard.start();
    GuardDecision d = await(guard.propose(51.4));
    assertEquals(Outcome.CLAMPED, d.outcome(), d::toString);
    assertEquals(51, d.written());
    // 51 + 2.5 = 53.5 rounds to 54, beyond the step: the guard takes the count inside it.
    d = await(guard.propose(80));
    assertEquals(53, d.written(), d::toString);
    assertEquals(List.of(51.0, 53.0), counts.writes());
  }

  @Test
  void shouldBlockWhenTheCurrentValueIsUnreadable() throws Exception {
    start(live(plc).maxStep(5));
    plc.quality(Quality.bad(Quality.Reason.TIMEOUT, "no answer in 1 s"));
    GuardDecision d = await(guard.propose(52));
    assertEquals(Outcome.BLOCKED, d.outcome());
    assertEquals("current value unreadable: BAD(TIMEOUT, no answer in 1 s)", d.reason());
    assertEquals(List.of(), plc.writes());
  }

  @Test
  void shouldBlockANonFiniteProposal() throws Exception {
    start(live(plc));
    assertEquals(Outcome.BLOCKED, await(guard.propose(Double.NaN)).outcome());
    assertEquals(List.of(), plc.writes());
  }

  @Test
  void shouldDecideButNeverWriteInShadowMode() throws Exception {
    start(live(plc).mode(GuardMode.SHADOW).maxStep(5));
    GuardDecision d = await(guard.propose(58));
    assertEquals(Outcome.CLAMPED, d.outcome());
    assertEquals(GuardMode.SHADOW, d.mode());
    assertEquals(55, d.decided());
    assertFalse(d.wrote());
    assertEquals(List.of(), plc.writes());
    assertEquals(50, plc.value());
  }

  @Test
  void shouldSwitchModeAtRunTime() throws Exception {
    start(live(plc).mode(GuardMode.SHADOW));
    assertFalse(await(guard.propose(60)).wrote());
    guard.mode(GuardMode.LIVE);
    assertEquals(GuardMode.LIVE, guard.mode());
    GuardDecision d = await(guard.propose(61));
    assertTrue(d.wrote());
    assertEquals(GuardMode.LIVE, d.mode());
    guard.mode(GuardMode.SHADOW);
    assertFalse(await(guard.propose(62)).wrote());
    assertEquals(List.of(61.0), plc.writes());
  }

  @Test
  void shouldReportAFailedWriteAsFailedNeverAsDone() throws Exception {
    start(live(plc));
    plc.refuseWrites("ILLEGAL_DATA_VALUE");
    GuardDecision d = await(guard.propose(60));
    assertEquals(Outcome.FAILED, d.outcome());
    assertFalse(d.wrote());
    assertEquals(60, d.decided());
    assertTrue(d.reason().contains("ILLEGAL_DATA_VALUE"), d.reason());
    assertEquals(1, guard.metrics().failed());
  }

  @Test
  void shouldReportAWriteThatReadingBackDoesNotShowAsFailed() throws Exception {
    start(live(plc));
    plc.ignoreWrites(true);
    GuardDecision d = await(guard.propose(60));
    assertEquals(Outcome.FAILED, d.outcome());
    assertFalse(d.wrote());
    assertEquals(50, d.after());
    assertTrue(d.reason().contains("reading back shows 50.0"), d.reason());
  }

  @Test
  void shouldAcceptAFloat32ReadBackWithinItsResolution() throws Exception {
    start(live(plc));
    GuardDecision d = await(guard.propose(33.333333333));
    assertEquals(Outcome.ACCEPTED, d.outcome(), d::toString);
    assertEquals((double) 33.333333333f, d.after());
  }
}
