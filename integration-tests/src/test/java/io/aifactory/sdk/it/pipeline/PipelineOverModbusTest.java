package io.aifactory.sdk.it.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.pipeline.Pipeline;
import io.aifactory.sdk.core.pipeline.PipelineMetrics;
import io.aifactory.sdk.core.pipeline.ThresholdAlarm;
import io.aifactory.sdk.inference.InferenceOptions;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.OnnxRuntimeModel;
import io.aifactory.sdk.testkit.onnx.OnnxModels;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A pipeline over a real socket to the simulated PLC, scoring with a real ONNX model in ONNX Runtime. */
class PipelineOverModbusTest {
  private static final int MACHINES = 4;
  private static final int ROWS = 5;

  private final BlockingQueue<MachineResult> results = new LinkedBlockingQueue<>();
  private final List<AlarmEvent> alarms = new CopyOnWriteArrayList<>();
  private LinePlant plant;
  private RecordingModel model;
  private Pipeline pipeline;

  private void start() {
    plant = new LinePlant(MACHINES);
    model = new RecordingModel(OnnxRuntimeModel.open("line-pca", "1",
        ModelSource.ofBytes("line-pca", OnnxModels.pcaWindowError(ROWS, plant.pca.components()).bytes()),
        InferenceOptions.defaults()));
    Pipeline.Builder b = Pipeline.newBuilder().name("line")
        .poll(SubscriptionOptions.every(Duration.ofMillis(50)))
        .windowRows(ROWS).hop(1).normalisation(plant.mean(), plant.std())
        .model(model, OnnxModels.INPUT, OnnxModels.SCORE, 1)
        .action(ThresholdAlarm.newBuilder().name("anomaly").raiseAbove(1.0).clearBelow(0.5).listener(alarms::add).build())
        .action(results::add);
    for (int m = 1; m <= MACHINES; m++) {
      b.machine("m" + m, plant.device, LinePlant.tags(m));
    }
    pipeline = b.build();
    pipeline.start();
  }

  @AfterEach
  void close() {
    if (pipeline != null) {
      pipeline.close();
    }
    if (model != null) {
      model.close();
    }
    if (plant != null) {
      plant.close();
    }
  }

  @Test
  void shouldDetectTheFaultyMachineWithOneBatchedInferencePerTick() throws Exception {
    start();
    Set<String> healthy = new HashSet<>();
    awaitResult(r -> {
      if (r.isGood()) {
        assertTrue(r.value() < 0.5, "a healthy machine scores low: " + r);
        healthy.add(r.machine());
      }
      return healthy.size() == MACHINES;
    });
    plant.fault(2);
    awaitResult(r -> alarms.stream().anyMatch(a -> a.machine().equals("m2") && a.kind() == AlarmEvent.Kind.RAISED));
    // A few more polls: the healthy machines must not alarm meanwhile.
    long calls = pipeline.metrics().modelCalls();
    awaitResult(r -> pipeline.metrics().modelCalls() >= calls + 5);
    assertEquals(List.of("m2"), alarms.stream().map(AlarmEvent::machine).distinct().toList());

    pipeline.close(); // so that no tick is half counted when the counters are compared
    PipelineMetrics metrics = pipeline.metrics();
    assertTrue(model.batchSizes.stream().allMatch(n -> n == MACHINES),
        "every model call scored all " + MACHINES + " machines at once: " + model.batchSizes);
    assertEquals(metrics.modelCalls() * MACHINES, metrics.total().inferences() + metrics.total().modelErrors());
    assertEquals(0, metrics.total().modelErrors());
  }

  @Test
  void shouldMarkAPlcRestartAsAGapAndNeverScoreStaleData() throws Exception {
    start();
    Set<String> good = new HashSet<>();
    awaitResult(r -> r.isGood() && good.add(r.machine()) && good.size() == MACHINES);

    plant.plc.stop(); // the PLC restarts: connection refused until it is back
    Set<String> bad = new HashSet<>();
    awaitResult(r -> {
      if (r.quality().isBad()) {
        assertTrue(Double.isNaN(r.value()), "no number without data: " + r);
        assertFalse(r.quality().reason() == Quality.Reason.MODEL_ERROR, r.toString());
        bad.add(r.machine());
      }
      return bad.size() == MACHINES;
    });
    long callsWhileDown = pipeline.metrics().modelCalls();
    results.clear();
    plant.plc.start();

    Set<String> back = new HashSet<>();
    awaitResult(r -> {
      if (r.isGood()) {
        back.add(r.machine());
      }
      return back.size() == MACHINES;
    });
    assertTrue(pipeline.metrics().modelCalls() > callsWhileDown);
    assertEquals(0, model.inputsWithNaN.get(), "the model never saw a window with missing rows");
    assertTrue(pipeline.metrics().total().staleResults() >= MACHINES);
    assertTrue(alarms.isEmpty(), "a restart is not an anomaly: " + alarms);
  }

  /** Takes results until {@code done} holds for one; fails after a generous deadline. */
  private void awaitResult(Predicate<MachineResult> done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      MachineResult r = results.poll(100, TimeUnit.MILLISECONDS);
      if (r != null && done.test(r)) {
        return;
      }
    }
    throw new AssertionError("condition not met within 20 s; metrics " + pipeline.metrics());
  }
}
