package io.aifactory.sdk.core.pipeline.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.pipeline.MachineMetrics;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.pipeline.ManualDevice;
import io.aifactory.sdk.core.pipeline.Model;
import io.aifactory.sdk.core.pipeline.ModelInfo;
import io.aifactory.sdk.core.pipeline.Pipeline;
import io.aifactory.sdk.core.pipeline.PipelineMetrics;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

class PipelineMeterBinderTest {
  static final List<String> MACHINES = List.of("m1", "m2");

  /** Scores a window as the sum of its last row; throws while {@code fail} is set. */
  static final class LastRowSum implements Model {
    volatile boolean fail;

    @Override
    public ModelInfo info() {
      return ModelInfo.of("last-row-sum", "1");
    }

    @Override
    public void run(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs) {
      if (fail) {
        throw new IllegalStateException("model down");
      }
      TensorBuffer x = inputs.get("input");
      TensorBuffer y = outputs.get("score");
      int rows = x.dim(1);
      int features = x.dim(2);
      for (int b = 0; b < x.dim(0); b++) {
        float sum = 0;
        for (int f = 0; f < features; f++) {
          sum += x.getFloat((b * rows + rows - 1) * features + f);
        }
        y.putFloat(b, sum);
      }
    }
  }

  static Pipeline pipeline(ManualDevice device, Model model, BlockingQueue<MachineResult> results) {
    Pipeline.Builder b = Pipeline.newBuilder().name("presses").poll(SubscriptionOptions.every(Duration.ofMillis(100)))
        .windowRows(3).hop(1).model(model, "input", "score", 1).action(results::add);
    for (String m : MACHINES) {
      b.machine(m, device, List.of(Tag.of(m + ".a", "reg:0", DataType.FLOAT64), Tag.of(m + ".b", "reg:1",
          DataType.FLOAT64)));
    }
    return b.build();
  }

  /** Polls once and, once the windows are full, waits for both machines' results (so that none is skipped). */
  static void pollAndAwait(ManualDevice device, BlockingQueue<MachineResult> results, boolean expectResults)
      throws InterruptedException {
    device.poll(1, 2, 3, 4);
    for (int i = 0; expectResults && i < MACHINES.size(); i++) {
      if (results.poll(10, TimeUnit.SECONDS) == null) {
        throw new AssertionError("no result within 10 s");
      }
    }
  }

  static double counter(SimpleMeterRegistry registry, String name, String machine) {
    return registry.get("aifactory.pipeline." + name).tags("pipeline", "presses", "machine", machine).functionCounter()
        .count();
  }

  @Test
  void shouldReportEachMachinesCountersAsThePipelineCountsThem() throws Exception {
    ManualDevice device = new ManualDevice();
    LastRowSum model = new LastRowSum();
    BlockingQueue<MachineResult> results = new LinkedBlockingQueue<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Pipeline p = pipeline(device, model, results)) {
      new PipelineMeterBinder(p, Tags.of("site", "plant1"), Duration.ZERO).bindTo(registry);
      p.start();
      pollAndAwait(device, results, false);
      pollAndAwait(device, results, false);
      for (int i = 0; i < 4; i++) {
        pollAndAwait(device, results, true); // four windows per machine, scored together: four model calls
      }
      model.fail = true;
      pollAndAwait(device, results, true); // one failed call: a BAD result (and a model error) per machine
      model.fail = false;
      // An action sees a result before the pipeline counts it as handed over: wait for the last count.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (p.metrics().total().actions() < 10 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }

      PipelineMetrics metrics = p.metrics();
      assertEquals(5, metrics.modelCalls(), metrics::toString);
      assertEquals(5.0, registry.get("aifactory.pipeline.model.calls").tags("pipeline", "presses", "site", "plant1")
          .functionCounter().count());
      for (String machine : MACHINES) {
        MachineMetrics m = metrics.machine(machine).orElseThrow();
        assertEquals(7, m.rows(), m::toString);
        assertEquals(5, m.windows(), m::toString);
        assertEquals(4, m.inferences(), m::toString);
        assertEquals(1, m.modelErrors(), m::toString);
        assertEquals(5, m.actions(), m::toString);
        Map<String, ToLongFunction<MachineMetrics>> expected = Map.of(
            "rows", MachineMetrics::rows,
            "windows", MachineMetrics::windows,
            "inferences", MachineMetrics::inferences,
            "skipped.windows", MachineMetrics::skippedWindows,
            "stale.results", MachineMetrics::staleResults,
            "model.errors", MachineMetrics::modelErrors,
            "actions", MachineMetrics::actions,
            "action.errors", MachineMetrics::actionErrors);
        for (Map.Entry<String, ToLongFunction<MachineMetrics>> e : expected.entrySet()) {
          assertEquals(e.getValue().applyAsLong(m), counter(registry, e.getKey(), machine), e.getKey() + " of " + machine);
        }
        double p50 = registry.get("aifactory.pipeline.latency.percentile").tags("machine", machine, "phi", "0.5")
            .gauge().value();
        double p99 = registry.get("aifactory.pipeline.latency.percentile").tags("machine", machine, "phi", "0.99")
            .gauge().value();
        double max = registry.get("aifactory.pipeline.latency.max").tags("machine", machine).gauge().value();
        assertEquals(m.latencyMax().toNanos() / 1e9, max, 1e-12);
        assertTrue(max > 0 && p50 > 0 && p50 <= p99 && p99 <= max, "p50=" + p50 + " p99=" + p99 + " max=" + max);
      }
      assertEquals(MACHINES.size() * 11 + 2, registry.getMeters().size(), "11 meters per machine, 2 per pipeline");
      assertEquals(p.metrics().pollOverruns(),
          registry.get("aifactory.pipeline.poll.overruns").functionCounter().count());
    }
  }

  @Test
  void shouldServeAScrapeFromOneSnapshotUntilItIsOld() throws Exception {
    ManualDevice device = new ManualDevice();
    BlockingQueue<MachineResult> results = new LinkedBlockingQueue<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Pipeline p = pipeline(device, new LastRowSum(), results)) {
      new PipelineMeterBinder(p, Tags.empty(), Duration.ofHours(1)).bindTo(registry);
      p.start();
      pollAndAwait(device, results, false);
      assertEquals(1.0, counter(registry, "rows", "m1"));
      pollAndAwait(device, results, false);
      assertEquals(2, p.metrics().machine("m1").orElseThrow().rows());
      assertEquals(1.0, counter(registry, "rows", "m2"), "the snapshot taken by the first read still serves");
    }
  }
}
