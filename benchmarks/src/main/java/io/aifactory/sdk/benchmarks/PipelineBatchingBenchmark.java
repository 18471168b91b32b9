package io.aifactory.sdk.benchmarks;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.pipeline.Pipeline;
import io.aifactory.sdk.core.pipeline.PipelineMetrics;
import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.core.tensor.Window;
import io.aifactory.sdk.inference.InferenceOptions;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.OnnxRuntimeModel;
import io.aifactory.sdk.inference.internal.OrtInferenceSession;
import io.aifactory.sdk.testkit.onnx.OnnxModel;
import io.aifactory.sdk.testkit.onnx.OnnxModels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One tick of N identical machines (one poll of one PLC: a new row for every machine) scored by one ONNX window
 * model, {@code [N, 32, 8]} in and {@code [N, 1]} out (the PCA reconstruction error of {@link LineData}), four ways:
 *
 * <ul>
 *   <li>{@code pipeline}: the real {@link Pipeline} — the benchmark delivers the poll through an in-process device
 *       ({@link PushDevice}) and waits until the pipeline's action has seen all N results. Rows are appended on the
 *       delivering thread, the windows copied into the pooled batch tensor and scored in ONE model call on the
 *       pipeline's thread. The time includes two thread hand-overs: device thread to pipeline thread (a real cost
 *       of the design) and the wake-up of the waiting benchmark thread (an artefact of measuring);
 *   <li>{@code batchedByHand}: the same batching without the pipeline — append each machine's row to its window,
 *       copy the N windows into one batch tensor, one model call — on one thread: what the pipeline's batching costs
 *       when its threads, bookkeeping and results are taken away;
 *   <li>{@code perMachineView}: the plain alternative — for each machine, append its row and call the model on
 *       {@code window.latestBatch(32)}, a zero-copy view {@code [1, 32, 8]}, into that machine's output tensor
 *       (allocated once). The view moves by one row every tick, so the session sees a new memory region each time;
 *   <li>{@code perMachineCopy}: as careful as a vendor can be without batching — each machine's window copied into
 *       its own input tensor allocated once, so the session sees the same two tensors every call.
 * </ul>
 *
 * <p>Every path appends the same rows (precomputed, {@link #TICKS} of them in a cycle) and normalises them the same
 * way. The time is per tick (N machines); divide by N for the time per machine. ONNX Runtime runs with one intra-op
 * thread: the model is a few small matrix products that a second thread only slows down with hand-over, and on two
 * shared cores a spinning intra-op pool competes with the device and pipeline threads.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar PipelineBatchingBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s}.
 * Each trial prints the pipeline's model calls per tick and the session's wrapper creations per run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PipelineBatchingBenchmark {
  /** Distinct polls cycled through; more than the window's capacity, so the rows scored keep changing. */
  static final int TICKS = 256;
  private static final int ROWS = LineData.ROWS;
  private static final int FEATURES = LineData.FEATURES;

  @Param({"1", "8", "64"})
  public int machines;

  private OnnxRuntimeModel model;
  private SampleBatch[] polls;
  private float[][][] rows; // [tick][machine][feature], the same values as polls
  private long[] times;
  private int tick;

  // pipeline
  private PushDevice device;
  private Pipeline pipeline;
  /** Results the pipeline's action has seen; written by the pipeline's thread only. */
  private volatile long seen;
  private volatile long target;
  private volatile Thread waiter;
  private volatile double lastScore;
  private long expected;

  // by hand
  private Window[] windows;
  private TensorBuffer batch;
  private TensorBuffer batchOutput;
  private TensorBuffer[] batchRows;
  private Map<String, TensorBuffer> batchInputs;
  private Map<String, TensorBuffer> batchOutputs;
  private TensorBuffer[] machineInputs;
  private TensorBuffer[] machineOutputs;
  private List<Map<String, TensorBuffer>> machineInputMaps;
  private List<Map<String, TensorBuffer>> machineOutputMaps;
  private long runsAtStart;
  private long wrappersAtStart;

  @Setup
  public void setUp() throws InterruptedException {
    LineData line = new LineData();
    OnnxModel onnx = line.windowModel();
    model = OnnxRuntimeModel.open("line-pca", "1", ModelSource.ofBytes("line-pca", onnx.bytes()),
        InferenceOptions.newBuilder().intraOpThreads(1).build());

    List<List<Tag>> tags = new ArrayList<>();
    for (int m = 0; m < machines; m++) {
      List<Tag> t = new ArrayList<>();
      for (int f = 0; f < FEATURES; f++) {
        t.add(Tag.of("m" + m + ".f" + f, "holding:" + 2 * (m * FEATURES + f) + ":float32", DataType.FLOAT32));
      }
      tags.add(t);
    }
    polls = new SampleBatch[TICKS];
    rows = new float[TICKS][machines][];
    times = new long[TICKS];
    for (int t = 0; t < TICKS; t++) {
      times[t] = 1_700_000_000_000_000_000L + t * 100_000_000L;
      SampleBatch.Builder b = SampleBatch.newBuilder(machines * FEATURES);
      for (int m = 0; m < machines; m++) {
        rows[t][m] = line.row(m, t);
        for (int f = 0; f < FEATURES; f++) {
          b.add(tags.get(m).get(f), rows[t][m][f], Quality.GOOD, times[t]);
        }
      }
      polls[t] = b.receiveTimeNanos(times[t]).build();
    }

    device = new PushDevice();
    Pipeline.Builder pb = Pipeline.newBuilder().name("bench")
        .poll(SubscriptionOptions.every(Duration.ofMillis(100))) // the push device ignores it
        .windowRows(ROWS).hop(1).normalisation(line.mean(), line.std())
        .model(model, OnnxModels.INPUT, OnnxModels.SCORE, 1)
        .action(r -> {
          lastScore = r.value();
          long s = seen + 1;
          seen = s;
          if (s >= target) {
            LockSupport.unpark(waiter);
          }
        });
    for (int m = 0; m < machines; m++) {
      pb.machine("m" + m, device, tags.get(m));
    }
    pipeline = pb.build();
    pipeline.start();

    windows = new Window[machines];
    batch = TensorBuffer.allocate(ElementType.FLOAT32, machines, ROWS, FEATURES);
    batchOutput = TensorBuffer.allocate(ElementType.FLOAT32, machines, 1);
    batchRows = new TensorBuffer[machines];
    batchInputs = Map.of(OnnxModels.INPUT, batch);
    batchOutputs = Map.of(OnnxModels.SCORE, batchOutput);
    machineInputs = new TensorBuffer[machines];
    machineOutputs = new TensorBuffer[machines];
    machineInputMaps = new ArrayList<>();
    machineOutputMaps = new ArrayList<>();
    for (int m = 0; m < machines; m++) {
      windows[m] = Window.newBuilder().features(FEATURES).capacity(2 * ROWS).length(ROWS)
          .normalisation(line.mean(), line.std()).build();
      batchRows[m] = batch.at(m);
      machineInputs[m] = TensorBuffer.allocate(ElementType.FLOAT32, 1, ROWS, FEATURES);
      machineOutputs[m] = TensorBuffer.allocate(ElementType.FLOAT32, 1, 1);
      machineInputMaps.add(Map.of(OnnxModels.INPUT, machineInputs[m]));
      machineOutputMaps.add(Map.of(OnnxModels.SCORE, machineOutputs[m]));
    }

    // Fill every window, so that each tick of every path scores all N machines.
    waiter = Thread.currentThread();
    target = machines;
    for (int r = 0; r < ROWS; r++) {
      device.push(polls[tick]);
      for (int m = 0; m < machines; m++) {
        windows[m].append(times[tick], rows[tick][m]);
      }
      tick = (tick + 1) % TICKS;
    }
    expected = machines;
    awaitResults();
    runsAtStart = model.session().metrics().runs();
    wrappersAtStart = wrappersCreated();
  }

  @TearDown
  public void tearDown() {
    long runs = model.session().metrics().runs() - runsAtStart;
    long wrappers = wrappersCreated() - wrappersAtStart;
    PipelineMetrics metrics = pipeline.metrics();
    pipeline.close();
    System.out.printf("%nN=%d: %d model runs, %.2f new ONNX Runtime tensor wrappers per run; pipeline: %d polls, "
            + "%d model calls, %.1f machines per call, %d windows skipped%n", machines, runs,
        runs == 0 ? 0.0 : (double) wrappers / runs, metrics.total().rows() / machines, metrics.modelCalls(),
        metrics.modelCalls() == 0 ? 0.0 : (double) metrics.total().inferences() / metrics.modelCalls(),
        metrics.total().skippedWindows());
    for (Window w : windows) {
      w.close();
    }
    for (int m = 0; m < machines; m++) {
      machineInputs[m].close();
      machineOutputs[m].close();
    }
    batch.close();
    batchOutput.close();
    model.close();
  }

  private long wrappersCreated() {
    // A diagnostic of the SDK's own session, not API: how often a run had to wrap a region it had not seen.
    return model.session() instanceof OrtInferenceSession ? ((OrtInferenceSession) model.session()).wrappersCreated() : 0;
  }

  @Benchmark
  public double pipeline() throws InterruptedException {
    expected += machines;
    target = expected;
    device.push(next());
    awaitResults();
    return lastScore;
  }

  private void awaitResults() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (seen < expected) {
      // Parked, not spinning: on two shared cores a spinning waiter would take the core the pipeline needs.
      LockSupport.parkNanos(this, 1_000_000);
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("pipeline stuck: " + seen + " of " + expected + " results; " + pipeline.metrics());
      }
    }
  }

  @Benchmark
  public float batchedByHand() {
    int t = advance();
    for (int m = 0; m < machines; m++) {
      windows[m].append(times[t], rows[t][m]);
    }
    for (int m = 0; m < machines; m++) {
      windows[m].latest(ROWS).copyTo(batchRows[m]);
    }
    model.run(batchInputs, batchOutputs);
    return batchOutput.getFloat(machines - 1);
  }

  @Benchmark
  public float perMachineView() {
    int t = advance();
    float sum = 0;
    for (int m = 0; m < machines; m++) {
      windows[m].append(times[t], rows[t][m]);
      model.run(Map.of(OnnxModels.INPUT, windows[m].latestBatch(ROWS)), machineOutputMaps.get(m));
      sum += machineOutputs[m].getFloat(0);
    }
    return sum;
  }

  @Benchmark
  public float perMachineCopy() {
    int t = advance();
    float sum = 0;
    for (int m = 0; m < machines; m++) {
      windows[m].append(times[t], rows[t][m]);
      windows[m].copyLatestInto(machineInputs[m]);
      model.run(machineInputMaps.get(m), machineOutputMaps.get(m));
      sum += machineOutputs[m].getFloat(0);
    }
    return sum;
  }

  private SampleBatch next() {
    return polls[advance()];
  }

  private int advance() {
    int t = tick;
    tick = (t + 1) % TICKS;
    return t;
  }
}
