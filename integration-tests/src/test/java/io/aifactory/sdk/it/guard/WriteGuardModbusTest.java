package io.aifactory.sdk.it.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.guard.Fallback;
import io.aifactory.sdk.core.guard.GuardDecision;
import io.aifactory.sdk.core.guard.GuardDecision.Outcome;
import io.aifactory.sdk.core.guard.GuardListener;
import io.aifactory.sdk.core.guard.GuardMode;
import io.aifactory.sdk.core.guard.OperatorAction;
import io.aifactory.sdk.core.guard.WriteGuard;
import io.aifactory.sdk.testkit.RecordedWrite;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The write guard in front of the simulated Modbus PLC over a real socket: what reaches the PLC is what the PLC
 * recorded, so every assertion on writes is an assertion on the wire, not on the guard's own account.
 */
class WriteGuardModbusTest {
  private static final Tag FEED = Tag.of("feed", "holding:100:float32", DataType.FLOAT32);
  private static final Tag SPEED = Tag.of("speed", "holding:110:int16", DataType.INT16);

  private ModbusSimulator plc;
  private Device device;
  private WriteGuard guard;
  private final BlockingQueue<GuardDecision> decisions = new LinkedBlockingQueue<>();
  private final BlockingQueue<OperatorAction> actions = new LinkedBlockingQueue<>();

  @BeforeEach
  void setUp() {
    plc = ModbusSimulator.newBuilder().unit(1, List.of(FEED, SPEED)).build();
    plc.start();
    plc.set("feed", 50.0);
    plc.set("speed", 50L);
    device = Devices.open(plc.uri(), DeviceOptions.newBuilder().requestTimeout(Duration.ofMillis(1500)).build());
    device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
  }

  @AfterEach
  void tearDown() {
    if (guard != null) guard.close();
    if (device != null) device.close();
    if (plc != null) plc.close();
  }

  private WriteGuard.Builder feedGuard() {
    return WriteGuard.newBuilder().name("feed").device(device).tag(FEED).range(0, 100).mode(GuardMode.LIVE);
  }

  private void start(WriteGuard.Builder b) {
    guard = b.build();
    guard.addListener(new GuardListener() {
      @Override
      public void onDecision(GuardDecision decision) {
        decisions.add(decision);
      }

      @Override
      public void onOperatorAction(OperatorAction action) {
        actions.add(action);
      }
    });
    guard.start();
  }

  private static GuardDecision await(CompletableFuture<GuardDecision> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  private GuardDecision next(Outcome outcome) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      GuardDecision d = decisions.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (d == null) throw new AssertionError("no " + outcome + " decision within 10 s");
      if (d.outcome() == outcome) return d;
    }
  }

  /** The values the PLC received for {@code tag}, in order. */
  private List<Double> written(String tag) {
    return plc.writes().stream().filter(w -> w.tagName().equals(tag))
        .map(RecordedWrite::value).map(v -> ((Number) v).doubleValue()).collect(Collectors.toList());
  }

  @Test
  void shouldWriteNothingForAProposalOutsideTheRange() throws Exception {
    start(feedGuard());
    GuardDecision d = await(guard.propose(130));
    assertEquals(Outcome.BLOCKED, d.outcome(), d::toString);
    assertEquals(List.of(), plc.writes());
  }

  @Test
  void shouldWriteOnlyTheAllowedStepFromTheValueOnThePlc() throws Exception {
    start(feedGuard().maxStep(5));
    GuardDecision d = await(guard.propose(80));
    assertEquals(Outcome.CLAMPED, d.outcome(), d::toString);
    assertEquals(List.of(55.0), written("feed"));
    assertEquals(55.0, ((Number) plc.get("feed")).doubleValue());
    assertEquals(55.0, d.after());
  }

  @Test
  void shouldWriteNothingTooSoonAfterTheLastWrite() throws Exception {
    start(feedGuard().minInterval(Duration.ofHours(1)));
    assertEquals(Outcome.ACCEPTED, await(guard.propose(60)).outcome());
    GuardDecision d = await(guard.propose(62));
    assertEquals(Outcome.BLOCKED, d.outcome());
    assertTrue(d.reason().startsWith("too soon"), d.reason());
    assertEquals(List.of(60.0), written("feed"));
  }

  @Test
  void shouldWriteWholeCountsToAnIntegerRegisterAndConfirmThemExactly() throws Exception {
    start(WriteGuard.newBuilder().device(device).tag(SPEED).range(0, 100).mode(GuardMode.LIVE));
    GuardDecision d = await(guard.propose(61.4));
    assertEquals(Outcome.CLAMPED, d.outcome(), d::toString);
    assertEquals(61, d.written());
    assertEquals(List.of(61.0), written("speed"));
  }

  @Test
  void shouldWriteNothingInShadowModeUntilSwitchedToLive() throws Exception {
    start(feedGuard().mode(GuardMode.SHADOW).maxStep(5));
    GuardDecision d = await(guard.propose(58));
    assertEquals(55, d.decided());
    assertFalse(d.wrote());
    await(guard.propose(52));
    assertEquals(List.of(), plc.writes());

    guard.mode(GuardMode.LIVE);
    assertTrue(await(guard.propose(52)).wrote());
    assertEquals(List.of(52.0), written("feed"));
  }

  @Test
  void shouldBlockRatherThanGuessWhileThePlcDoesNotAnswer() throws Exception {
    start(feedGuard());
    assertEquals(Outcome.ACCEPTED, await(guard.propose(51)).outcome());
    plc.clearWrites();
    plc.stall(true);
    GuardDecision d = await(guard.propose(52));
    assertEquals(Outcome.BLOCKED, d.outcome());
    assertTrue(d.reason().startsWith("current value unreadable: BAD("), d.reason());
    plc.stall(false);
    assertEquals(List.of(), plc.writes());
  }

  @Test
  void shouldWriteTheSafeValueWhenProposalsStop() throws Exception {
    start(feedGuard().maxStep(5).deadman(Duration.ofMillis(300)).fallback(Fallback.safeValue(20)));
    assertEquals(Outcome.ACCEPTED, await(guard.propose(52)).outcome());
    GuardDecision d = next(Outcome.FALLBACK);
    assertEquals(20, d.written(), d::toString);
    assertEquals(List.of(52.0, 20.0), written("feed"));
  }

  @Test
  void shouldHoldAndWriteNothingWhenProposalsStop() throws Exception {
    start(feedGuard().deadman(Duration.ofMillis(300)).fallback(Fallback.hold()));
    GuardDecision d = next(Outcome.FALLBACK);
    assertTrue(d.reason().startsWith("holding 50.0"), d.reason());
    assertEquals(List.of(), plc.writes());
  }

  @Test
  void shouldBackOffAfterAnOperatorChangeAtTheHmiAndThenStepFromTheOperatorsValue() throws Exception {
    start(feedGuard().maxStep(5).operatorBackoff(Duration.ofMillis(400)));
    assertEquals(Outcome.ACCEPTED, await(guard.propose(52)).outcome());

    plc.set("feed", 70.0); // the operator, at the HMI: not a write through the SDK
    GuardDecision d = await(guard.propose(53));
    assertEquals(Outcome.BACKED_OFF, d.outcome(), d::toString);
    OperatorAction action = actions.poll(10, TimeUnit.SECONDS);
    assertEquals(52, action.expected());
    assertEquals(70, action.found());
    assertEquals(List.of(52.0), written("feed"), "the operator's value is left alone");

    GuardDecision after = proposeUntilNotBackedOff(90);
    assertEquals(Outcome.CLAMPED, after.outcome(), after::toString);
    assertEquals(List.of(52.0, 75.0), written("feed"));
  }

  @Test
  void shouldNoticeTheOperatorWithoutAProposalWhenWatching() throws Exception {
    start(feedGuard().watchInterval(Duration.ofMillis(50)).operatorBackoff(Duration.ofHours(1)));
    assertEquals(Outcome.ACCEPTED, await(guard.propose(60)).outcome());
    plc.set("feed", 40.0);
    OperatorAction action = actions.poll(10, TimeUnit.SECONDS);
    assertEquals(60, action.expected());
    assertEquals(40, action.found());
    assertEquals(Outcome.BACKED_OFF, await(guard.propose(61)).outcome());
    assertEquals(List.of(60.0), written("feed"));
  }

  private GuardDecision proposeUntilNotBackedOff(double value) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      GuardDecision d = await(guard.propose(value));
      if (d.outcome() != Outcome.BACKED_OFF) return d;
      if (System.nanoTime() > deadline) throw new AssertionError("still backing off after 10 s: " + d);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }
}
