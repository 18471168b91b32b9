package io.aifactory.sdk.benchmarks;

import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.inference.BatchingOptions;
import io.aifactory.sdk.inference.BatchingSession;
import io.aifactory.sdk.inference.InferenceOptions;
import io.aifactory.sdk.inference.InferenceSession;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.SessionBinding;
import io.aifactory.sdk.testkit.onnx.OnnxModel;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * 64 producer threads, each scoring one sample at a time: through a {@link BatchingSession} (samples
 * gathered into batches of up to 64) versus each thread calling {@link InferenceSession#run} with a batch
 * of one on the same shared session, plainly ({@code oneByOne}) or through its own binding
 * ({@code oneByOneBound}). Throughput is samples per second across all threads.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(64)
public class BatchingBenchmark {
  /** The session and batcher every producer shares. */
  @State(Scope.Benchmark)
  public static class Shared {
    @Param({"MLP", "PCA"})
    public BenchmarkModels model;

    @Param({"0"})
    public String allowSpinning;

    InferenceSession session;
    BatchingSession batcher;
    String inputName;
    String outputName;

    @Setup(Level.Trial)
    public void setUp() {
      OnnxModel onnx = model.build();
      inputName = onnx.inputName();
      outputName = onnx.outputName();
      // Idle intra-op threads that spin take the CPU that 64 producers need on a small machine, in both modes
      // (see BatchingRatios' spinning switch); ONNX Runtime spins by default.
      session = InferenceSession.open(ModelSource.ofBytes(model.name(), onnx.bytes()),
          InferenceOptions.newBuilder().configEntry("session.intra_op.allow_spinning", allowSpinning).build());
      batcher = BatchingSession.start(session, BatchingOptions.newBuilder()
          .maxBatchSize(64)
          .maxQueueDelay(Duration.ofMillis(1))
          .queueCapacity(256)
          .build());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      batcher.close();
      session.close();
    }
  }

  /** One producer's sample and output tensors, reused for every call. */
  @State(Scope.Thread)
  public static class Producer {
    TensorBuffer sample;
    TensorBuffer output;
    Map<String, TensorBuffer> inputs;
    Map<String, TensorBuffer> outputs;
    /** This producer's tensors checked and wrapped once: the SDK's cheapest one-by-one path. */
    SessionBinding binding;

    @Setup(Level.Trial)
    public void setUp(Shared shared) {
      sample = TensorBuffer.allocate(ElementType.FLOAT32, shared.model.shape(1));
      Random random = new Random(Thread.currentThread().getId());
      for (int i = 0; i < sample.elementCount(); i++) {
        sample.putFloat(i, (float) random.nextGaussian());
      }
      output = TensorBuffer.allocate(ElementType.FLOAT32, 1, 1);
      inputs = Map.of(shared.inputName, sample);
      outputs = Map.of(shared.outputName, output);
      binding = shared.session.bind(inputs, outputs);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      binding.close();
      sample.close();
      output.close();
    }
  }

  @Benchmark
  public float batched(Shared shared, Producer producer) {
    shared.batcher.submit(producer.inputs, producer.outputs).join();
    return producer.output.getFloat(0);
  }

  @Benchmark
  public float oneByOne(Shared shared, Producer producer) {
    shared.session.run(producer.inputs, producer.outputs);
    return producer.output.getFloat(0);
  }

  /**
   * One by one through each producer's own {@link SessionBinding}: no per-run checks and no shared wrapper
   * cache (whose lock 64 threads contend for, and whose 64 slots cannot hold 128 tensors), so this is the
   * strongest one-by-one baseline the SDK offers.
   */
  @Benchmark
  public float oneByOneBound(Producer producer) {
    producer.binding.run();
    return producer.output.getFloat(0);
  }
}
