package io.aifactory.sdk.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PipelineTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Scores each machine's window as the sum of its last row; records the batch size of every call. */
  static final class LastRowSum implements Model {
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    volatile RuntimeException failWith;
    volatile CountDownLatch gate;

    @Override
    public ModelInfo info() {
      return ModelInfo.of("last-row-sum", "1");
    }

    @Override
    public void check(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs) {
      if (!inputs.containsKey("input") || !outputs.containsKey("score")) {
        throw new InferenceException("expected input 'input' and output 'score', found " + inputs.keySet() + " and "
            + outputs.keySet());
      }
    }

    @Override
    public void run(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs) {
      CountDownLatch g = gate;
      if (g != null) {
        try {
          g.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (failWith != null) {
        throw failWith;
      }
      TensorBuffer x = inputs.get("input");
      TensorBuffer y = outputs.get("score");
      int n = x.dim(0);
      int rows = x.dim(1);
      int features = x.dim(2);
      batchSizes.add(n);
      for (int b = 0; b < n; b++) {
        float sum = 0;
        for (int f = 0; f < features; f++) {
          sum += x.getFloat((b * rows + rows - 1) * features + f);
        }
        y.putFloat(b, sum);
      }
    }
  }

  static List<Tag> tags(String machine) {
    return List.of(Tag.of(machine + ".a", "reg:0", DataType.FLOAT64), Tag.of(machine + ".b", "reg:1", DataType.FLOAT64));
  }

  static Pipeline.Builder pipeline(ManualDevice device, Model model, BlockingQueue<MachineResult> results,
      String... machines) {
    Pipeline.Builder b = Pipeline.newBuilder().name("test").poll(SubscriptionOptions.every(Duration.ofMillis(100)))
        .windowRows(3).hop(1).model(model, "input", "score", 1).action(results::add);
    for (String m : machines) {
      b.machine(m, device, tags(m));
    }
    return b;
  }

  static MachineResult next(BlockingQueue<MachineResult> results) throws InterruptedException {
    MachineResult r = results.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (r == null) {
      throw new AssertionError("no result within " + WAIT);
    }
    return r;
  }

  @Test
  void shouldScoreEveryReadyMachineInOneModelCallPerPoll() throws Exception {
    ManualDevice device = new ManualDevice();
    LastRowSum model = new LastRowSum();
    BlockingQueue<MachineResult> results = new LinkedBlockingQueue<>();
    try (Pipeline p = pipeline(device, model, results, "m1", "m2", "m3").build()) {
      p.start();
      for (int i = 0; i < 3; i++) {
        device.poll(i, 1, 10 * i, 10, 100 * i, 100); // m1.a m1.b m2.a m2.b m3.a m3.b
      }
      List<MachineResult> got = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        got.add(next(results));
      }
      assertEquals(List.of(3), model.batchSizes, "one call with all three machines");
      assertEquals(List.of("m1", "m2", "m3"), got.stream().map(MachineResult::machine).toList());
      assertEquals(2 + 1, got.get(0).value(), 1e-6);
      assertEquals(20 + 10, got.get(1).value(), 1e-6);
      assertEquals(200 + 100, got.get(2).value(), 1e-6);
      assertTrue(got.get(0).isGood());
      PipelineMetrics metrics = p.metrics();
      assertEquals(1, metrics.modelCalls());
      assertEquals(3, metrics.total().inferences());
      assertEquals(9, metrics.total().rows());
    }
  }

  @Test
  void shouldStopScoringStaleDataAndResumeWhenFresh() throws Exception {
    ManualDevice device = new ManualDevice();
    LastRowSum model = new LastRowSum();
    BlockingQueue<MachineResult> results = new LinkedBlockingQueue<>();
    try (Pipeline p = pipeline(device, model, results, "m1").maxHoldRows(1).build()) {
      p.start();
      for (int i = 0; i < 3; i++) {
        device.poll(1, 1);
      }
      assertTrue(next(results).isGood());
      device.poll(Double.NaN, 2); // held once: valid, but UNCERTAIN
      MachineResult held = next(results);
      assertEquals(Quality.Status.UNCERTAIN, held.quality().status());
      assertEquals(1 + 2, held.value(), 1e-6, "a held value is the last good one");
      int callsBefore = model.batchSizes.size();
      device.poll(Double.NaN, 2); // held twice: beyond the policy
      MachineResult stale = next(results);
      assertTrue(stale.quality().isBad());
      assertEquals(Quality.Reason.TIMEOUT, stale.quality().reason());
      assertTrue(Double.isNaN(stale.value()), "a BAD result carries no number");
      device.poll(Double.NaN, 2);
      device.poll(Double.NaN, 2);
      device.poll(5, 5);
      device.poll(5, 5);
      assertEquals(callsBefore, model.batchSizes.size(), "no model call while the window holds invalid rows");
      assertTrue(results.isEmpty(), "one BAD result per outage, not one per poll: " + results);
      device.poll(5, 5); // three fresh rows: scored again
      MachineResult resumed = next(results);
      assertTrue(resumed.isGood());
      assertEquals(10, resumed.value(), 1e-6);
      assertEquals(1, p.metrics().total().staleResults());
    }
  }

  @Test
  void shouldKeepTheLastValueOfATagABatchLeavesOutAndIgnoreBatchesOfOtherMachines() throws Exception {
    ManualDevice device = new ManualDevice();
    LastRowSum model = new LastRowSum();
    BlockingQueue<MachineResult> results = new LinkedBlockingQueue<>();
    try (Pipeline p = pipeline(device, model, results, "m1", "m2").windowRows(1).maxHoldRows(0).build()) {
      p.start();
      device.poll(1, 2, 10, 20);
      assertEquals(3, next(results).value(), 1e-6);
      assertEquals(30, next(results).value(), 1e-6);
      // Report by exception: only m1.a changed. m1.b keeps 2, GOOD (not a missed sample); m2 has no new row.
      device.pollOnly(0, 5);
      MachineResult r = next(results);
      assertEquals("m1", r.machine());
      assertTrue(r.isGood(), r.toString());
      assertEquals(5 + 2, r.value(), 1e-6);
      assertEquals(1, p.metrics().machine("m2").orElseThrow().rows(), "m2 got no row from a batch without its tags");
      assertTrue(results.isEmpty(), results.toString());
    }
  }

  @Test
  void shouldStartAppendingOnlyOnceEveryTagHasBeenHeardOf() throws Exception {
    ManualDevice device = new ManualDevice();
    BlockingQueue<MachineResult> results = new LinkedBlockingQueue<>();
    try (Pipeline p = pipeline(device, new LastRowSum(), results, "m1").windowRows(2).build()) {
      p.start();
      device.pollOnly(0, 1); // a subscription's first values in two notifications, as OPC UA sends them
      device.pollOnly(1, 2);
      assertEquals(1, p.metrics().total().rows(), "no row before m1.b was first heard of");
      device.pollOnly(0, 3);
      MachineResult r = next(results);
      assertTrue(r.isGood(), "never a BAD result for a value that was simply not sent yet: " + r);
      assertEquals(3 + 2, r.value(), 1e-6);
    }
  }

  @Test
  void shouldReportAModelFailureAndKeepRunning() throws Exception {
    ManualDevice device = new ManualDevice();
    LastRowSum model = new LastRowSum();
    BlockingQueue<MachineResult> results = new LinkedBlockingQueue<>();
    List<String> failedMachines = new CopyOnWriteArrayList<>();
    PipelineListener listener = new PipelineListener() {
      @Override
      public void onModelError(Pipeline pipeline, List<String> machines, RuntimeException error) {
        failedMachines.addAll(machines);
      }
    };
    try (Pipeline p = pipeline(device, model, results, "m1", "m2").listener(listener).build()) {
      p.start();
      model.failWith = new IllegalStateException("runtime fell over");
      for (int i = 0; i < 3; i++) {
        device.poll(1, 1, 2, 2);
      }
      MachineResult r1 = next(results);
      MachineResult r2 = next(results);
      assertEquals(Quality.Reason.MODEL_ERROR, r1.quality().reason());
      assertEquals(Quality.Reason.MODEL_ERROR, r2.quality().reason());
      assertEquals(List.of("m1", "m2"), failedMachines);
      model.failWith = null;
      device.poll(1, 1, 2, 2);
      assertTrue(next(results).isGood());
      assertTrue(next(results).isGood());
      assertEquals(2, p.metrics().total().modelErrors());
    }
  }

  @Test
  void shouldGiveEveryActionTheResultWhenOneActionThrows() throws Exception {
    ManualDevice device = new ManualDevice();
    BlockingQueue<MachineResult> results = new LinkedBlockingQueue<>();
    AtomicBoolean closed = new AtomicBoolean();
    PipelineAction failing = new PipelineAction() {
      @Override
      public void onResult(MachineResult result) {
        throw new IllegalStateException("broken action");
      }

      @Override
      public void close() {
        closed.set(true);
      }
    };
    Pipeline p = Pipeline.newBuilder().name("test").poll(SubscriptionOptions.every(Duration.ofMillis(100)))
        .windowRows(1).model(new LastRowSum(), "input", "score", 1).machine("m1", device, tags("m1"))
        .action(failing).action(results::add).build();
    p.start();
    device.poll(1, 2);
    assertEquals(3, next(results).value(), 1e-6);
    p.close();
    assertEquals(1, p.metrics().total().actionErrors());
    assertTrue(closed.get(), "close() closes the actions");
  }

  @Test
  void shouldSkipAndCountStaleWindowsWhenTheModelFallsBehind() throws Exception {
    ManualDevice device = new ManualDevice();
    LastRowSum model = new LastRowSum();
    BlockingQueue<MachineResult> results = new LinkedBlockingQueue<>();
    try (Pipeline p = pipeline(device, model, results, "m1").windowRows(1).build()) {
      p.start();
      model.gate = new CountDownLatch(1);
      device.poll(1, 0); // the model blocks on this one
      awaitCalls(p, 1);
      for (int i = 2; i <= 5; i++) {
        device.poll(i, 0); // ready windows 2..5 while the model is busy: only the newest survives
      }
      model.gate.countDown();
      assertEquals(1, next(results).value(), 1e-6);
      assertEquals(5, next(results).value(), 1e-6, "the freshest window, not the backlog");
      assertEquals(3, p.metrics().total().skippedWindows());
    }
  }

  @Test
  void shouldScoreQueuedWindowsInOrderUpToTheBound() throws Exception {
    ManualDevice device = new ManualDevice();
    LastRowSum model = new LastRowSum();
    BlockingQueue<MachineResult> results = new LinkedBlockingQueue<>();
    try (Pipeline p = pipeline(device, model, results, "m1").windowRows(1).backPressure(BackPressure.queue(3)).build()) {
      p.start();
      model.gate = new CountDownLatch(1);
      device.poll(1, 0);
      awaitCalls(p, 1);
      for (int i = 2; i <= 6; i++) {
        device.poll(i, 0);
      }
      model.gate.countDown();
      List<Double> values = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        values.add(next(results).value());
      }
      assertEquals(List.of(1.0, 4.0, 5.0, 6.0), values);
      assertEquals(2, p.metrics().total().skippedWindows());
    }
  }

  @Test
  void shouldRefuseToStartWhenTheModelRejectsTheBatch() {
    ManualDevice device = new ManualDevice();
    Pipeline p = Pipeline.newBuilder().name("test").poll(SubscriptionOptions.every(Duration.ofMillis(100)))
        .windowRows(2).model(new LastRowSum(), "x", "score", 1).machine("m1", device, tags("m1")).build();
    InferenceException e = assertThrows(InferenceException.class, p::start);
    assertTrue(e.getMessage().contains("expected input 'input'"), e.getMessage());
    assertEquals(null, device.subscribedTags(), "nothing subscribed");
    p.close();
  }

  @Test
  void shouldRefuseMachinesOfDifferentShapes() {
    ManualDevice device = new ManualDevice();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pipeline.newBuilder()
        .name("line").poll(SubscriptionOptions.every(Duration.ofMillis(100))).windowRows(2)
        .model(new LastRowSum(), "input", "score", 1).machine("m1", device, tags("m1"))
        .machine("m2", device, List.of(Tag.of("m2.a", "reg:5", DataType.FLOAT64))).build());
    assertTrue(e.getMessage().contains("machine 'm2' has 1 tags, expected 2"), e.getMessage());
  }

  @Test
  void alarmShouldRaiseAndClearWithHysteresisAndMinimumDuration() {
    List<AlarmEvent> events = new ArrayList<>();
    ThresholdAlarm alarm = ThresholdAlarm.newBuilder().name("anomaly").raiseAbove(10).clearBelow(5)
        .minDuration(Duration.ofSeconds(1)).listener(events::add).build();
    long s = 1_000_000_000L;
    alarm.onResult(result(12, 0));
    alarm.onResult(result(12, s / 2));
    assertFalse(alarm.isRaised("m1"), "not yet above for a second");
    alarm.onResult(result(8, s)); // dips: the count restarts
    alarm.onResult(result(12, 2 * s));
    alarm.onResult(result(13, 3 * s));
    assertTrue(alarm.isRaised("m1"));
    alarm.onResult(result(7, 4 * s)); // between the thresholds: stays raised
    alarm.onResult(result(7, 6 * s));
    alarm.onResult(MachineResult.bad("p", "m1", 0, 7 * s, Quality.bad(Quality.Reason.TIMEOUT, "plc"), List.of("score")));
    assertTrue(alarm.isRaised("m1"), "a BAD result does not clear the alarm");
    alarm.onResult(result(3, 8 * s));
    alarm.onResult(result(3, 9 * s));
    assertFalse(alarm.isRaised("m1"));
    assertEquals(List.of(AlarmEvent.Kind.RAISED, AlarmEvent.Kind.CLEARED), events.stream().map(AlarmEvent::kind).toList());
    assertEquals(13, events.get(0).value(), 0);
    assertEquals(3 * s, events.get(0).timeNanos());
  }

  private static MachineResult result(double value, long time) {
    return new MachineResult("p", "m1", 0, time, Quality.GOOD, List.of("score"), new double[] {value});
  }

  private static void awaitCalls(Pipeline p, long calls) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (p.metrics().modelCalls() < calls) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("model not called " + calls + " times within " + WAIT);
      }
      Thread.sleep(5);
    }
  }
}
