package io.aifactory.sdk.core.guard;

import static io.aifactory.sdk.core.guard.GuardTesting.SETPOINT;
import static io.aifactory.sdk.core.guard.GuardTesting.await;
import static io.aifactory.sdk.core.guard.GuardTesting.live;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.guard.GuardDecision.Outcome;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Threads, the bounded queue of proposals, listeners, close, and the builder's checks. */
class WriteGuardLifecycleTest {
  private final InMemoryDevice plc = new InMemoryDevice(SETPOINT, 50);
  private final Recorder recorder = new Recorder();
  private WriteGuard guard;

  @AfterEach
  void tearDown() {
    plc.releaseReads();
    if (guard != null) guard.close();
  }

  private static boolean threadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }

  @Test
  void shouldStartNoThreadUntilStartedAndRefuseProposalsBefore() {
    guard = live(plc).name("idle").build();
    assertFalse(threadAlive("write-guard-idle"));
    assertThrows(IllegalStateException.class, () -> guard.propose(1));
  }

  @Test
  void shouldDecideOnItsOwnNamedDaemonThreadAndStopItOnClose() throws Exception {
    guard = live(plc).name("line1").build();
    guard.addListener(recorder);
    guard.start();
    await(guard.propose(60));
    assertEquals("write-guard-line1", recorder.thread.getName());
    assertTrue(recorder.thread.isDaemon());
    guard.close();
    assertFalse(recorder.thread.isAlive(), "close() waits for the thread it owns");
  }

  @Test
  void shouldKeepOnlyTheNewestWaitingProposal() throws Exception {
    guard = live(plc).build();
    guard.addListener(recorder);
    guard.start();
    await(guard.propose(51)); // the baseline read is done
    CountDownLatch inFlight = plc.holdReads();
    CompletableFuture<GuardDecision> first = guard.propose(60);
    assertTrue(inFlight.await(10, TimeUnit.SECONDS));
    CompletableFuture<GuardDecision> second = guard.propose(61);
    CompletableFuture<GuardDecision> third = guard.propose(62);
    CompletableFuture<GuardDecision> fourth = guard.propose(63);

    GuardDecision superseded = await(second);
    assertEquals(Outcome.BLOCKED, superseded.outcome());
    assertEquals("superseded by a newer proposal", superseded.reason());
    assertEquals(61, superseded.proposed());
    assertEquals("superseded by a newer proposal", await(third).reason());
    assertFalse(fourth.isDone());

    plc.releaseReads();
    assertEquals(60, await(first).written());
    assertEquals(63, await(fourth).written());
    assertEquals(List.of(51.0, 60.0, 63.0), plc.writes());
    assertEquals(2, guard.metrics().blocked());
  }

  @Test
  void shouldLogAThrowingListenerAndKeepGoing() throws Exception {
    guard = live(plc).build();
    guard.addListener(d -> {
      throw new IllegalStateException("listener bug");
    });
    guard.addListener(new GuardListener() {
      @Override
      public void onDecision(GuardDecision decision) {
        throw new AssertionError("listener bug");
      }
    });
    guard.addListener(recorder);
    guard.start();
    assertEquals(Outcome.ACCEPTED, await(guard.propose(60)).outcome());
    assertEquals(Outcome.ACCEPTED, await(guard.propose(61)).outcome());
    assertEquals(60, recorder.next(Outcome.ACCEPTED).written());
    assertEquals(61, recorder.next(Outcome.ACCEPTED).written());
  }

  @Test
  void shouldStopTellingARemovedListener() throws Exception {
    guard = live(plc).build();
    guard.addListener(recorder);
    guard.start();
    await(guard.propose(60));
    guard.removeListener(recorder);
    await(guard.propose(61));
    assertEquals(1, recorder.decisions.size());
  }

  @Test
  void shouldCompleteWaitingAndInFlightProposalsAsBlockedOnClose() throws Exception {
    guard = live(plc).name("closing").build();
    guard.start();
    await(guard.propose(51));
    CountDownLatch inFlight = plc.holdReads();
    CompletableFuture<GuardDecision> first = guard.propose(60);
    assertTrue(inFlight.await(10, TimeUnit.SECONDS));
    CompletableFuture<GuardDecision> waiting = guard.propose(61);

    guard.close();
    guard.close(); // idempotent
    assertEquals("guard closed", await(waiting).reason());
    assertEquals(Outcome.BLOCKED, await(first).outcome());
    assertEquals("guard closed", await(first).reason());
    GuardDecision late = await(guard.propose(62));
    assertEquals(Outcome.BLOCKED, late.outcome());
    assertEquals("guard closed", late.reason());
    assertEquals(List.of(51.0), plc.writes());
    assertFalse(threadAlive("write-guard-closing"));
    assertThrows(IllegalStateException.class, guard::start);
  }

  @Test
  void shouldReturnTheLastDecision() throws Exception {
    guard = live(plc).build();
    guard.start();
    GuardDecision d = await(guard.propose(60));
    assertSame(d, guard.lastDecision());
  }

  @Test
  void shouldRefuseAnInvalidConfigurationWithTheFailedExpression() {
    WriteGuard.Builder b = WriteGuard.newBuilder();
    assertEquals("maxStep < 0: -1.0", assertThrows(IllegalArgumentException.class, () -> b.maxStep(-1)).getMessage());
    assertEquals("maxRate < 0: -0.5", assertThrows(IllegalArgumentException.class, () -> b.maxRate(-0.5)).getMessage());
    assertEquals("min > max: 10.0 > 5.0", assertThrows(IllegalArgumentException.class, () -> b.range(10, 5)).getMessage());
    assertEquals("range is not set",
        assertThrows(IllegalStateException.class, () -> WriteGuard.newBuilder().device(plc).tag(SETPOINT).build()).getMessage());
    Tag flag = Tag.of("enable", "reg:9", DataType.BOOL);
    assertEquals("tag 'enable': a write guard needs a scalar number, not bool",
        assertThrows(IllegalArgumentException.class, () -> live(plc).tag(flag).build()).getMessage());
    assertEquals("safe value 120.0 outside range [0.0, 100.0]",
        assertThrows(IllegalArgumentException.class, () -> live(plc).fallback(Fallback.safeValue(120)).build()).getMessage());
  }
}
