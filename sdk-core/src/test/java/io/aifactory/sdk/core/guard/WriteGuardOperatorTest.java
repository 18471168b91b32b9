package io.aifactory.sdk.core.guard;

import static io.aifactory.sdk.core.guard.GuardTesting.SETPOINT;
import static io.aifactory.sdk.core.guard.GuardTesting.await;
import static io.aifactory.sdk.core.guard.GuardTesting.live;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.guard.GuardDecision.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Operator wins: a change the guard did not make is reported, the guard backs off, then adopts the new value. */
class WriteGuardOperatorTest {
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

  /** Proposes until the back-off is over; never asserts how long that took. */
  private GuardDecision proposeUntilNotBackedOff(double value) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      GuardDecision d = await(guard.propose(value));
      if (d.outcome() != Outcome.BACKED_OFF) return d;
      if (System.nanoTime() > deadline) throw new AssertionError("still backing off after 10 s: " + d);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  @Test
  void shouldBackOffWhenTheOperatorChangedTheValueAndThenAdoptIt() throws Exception {
    start(live(plc).maxStep(5).operatorBackoff(Duration.ofMillis(300)));
    assertEquals(52, await(guard.propose(52)).written());

    plc.set(70); // at the HMI
    GuardDecision d = await(guard.propose(53));
    assertEquals(Outcome.BACKED_OFF, d.outcome());
    assertTrue(d.reason().startsWith("operator changed the value from 52.0 to 70.0 at "), d.reason());
    assertTrue(d.reason().contains("; backing off until "), d.reason());
    OperatorAction action = recorder.nextAction();
    assertEquals(52, action.expected());
    assertEquals(70, action.found());
    assertEquals("memory://plc", action.device());

    plc.set(72); // the operator is still tuning
    GuardDecision after = proposeUntilNotBackedOff(80);
    assertEquals(Outcome.CLAMPED, after.outcome(), after::toString);
    assertEquals(72, after.before(), "the operator's latest value is the new baseline");
    assertEquals(77, after.written(), "stepped from the operator's value");
    assertEquals(List.of(52.0, 77.0), plc.writes(), "nothing written while backing off");
    assertTrue(recorder.actions.isEmpty(), "one operator action, not one per change during the back-off");
  }

  @Test
  void shouldBackOffEveryProposalAndSayUntilWhen() throws Exception {
    start(live(plc).operatorBackoff(Duration.ofHours(1)));
    assertEquals(Outcome.ACCEPTED, await(guard.propose(52)).outcome());
    plc.set(40);
    assertEquals(Outcome.BACKED_OFF, await(guard.propose(55)).outcome());
    GuardDecision d = await(guard.propose(56));
    assertEquals(Outcome.BACKED_OFF, d.outcome());
    assertTrue(d.reason().matches("operator changed the value at .+; backing off until .+"), d.reason());
    assertEquals(2, guard.metrics().backoffs());
    assertEquals(List.of(52.0), plc.writes());
  }

  @Test
  void shouldNoticeTheOperatorBetweenProposalsWithThePeriodicCheck() throws Exception {
    start(live(plc).watchInterval(Duration.ofMillis(20)).operatorBackoff(Duration.ofHours(1)));
    assertEquals(Outcome.ACCEPTED, await(guard.propose(60)).outcome());
    plc.set(65);
    OperatorAction action = recorder.nextAction();
    assertEquals(60, action.expected());
    assertEquals(65, action.found());
    GuardDecision d = recorder.next(Outcome.BACKED_OFF);
    assertTrue(Double.isNaN(d.proposed()), "no proposal caused it");
    assertEquals(Outcome.BACKED_OFF, await(guard.propose(61)).outcome());
  }

  @Test
  void shouldNotApplyTheSafeValueOverAnOperatorsChange() throws Exception {
    start(live(plc).fallback(Fallback.safeValue(10)).operatorBackoff(Duration.ofHours(1)));
    assertEquals(Outcome.ACCEPTED, await(guard.propose(60)).outcome());
    plc.set(65);
    guard.sourceBad("BAD(TIMEOUT)");
    GuardDecision d = recorder.next(Outcome.BACKED_OFF);
    assertTrue(d.reason().startsWith("operator changed the value from 60.0 to 65.0"), d.reason());
    assertEquals(List.of(60.0), plc.writes());
    assertEquals(65, plc.value());
  }
}
