package io.aifactory.sdk.benchmarks;

import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.core.tensor.Window;
import java.nio.FloatBuffer;
import java.util.concurrent.TimeUnit;
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
 * Window to model input: the latest {@code n} rows of 16 features as a zero-copy view of a {@link Window},
 * against the usual copy of the same rows out of a plain {@code float[capacity][features]} ring into a new
 * {@code float[n][features]}. Run with {@code -prof gc} for bytes per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class WindowBenchmark {
  private static final int CAPACITY = 1024;

  @Param({"256"})
  int n;

  @Param({"16"})
  int features;

  private Window window;
  private float[][] plainRing;
  private int plainHead;

  @Setup
  public void setUp() {
    window = Window.newBuilder().capacity(CAPACITY).features(features).build();
    plainRing = new float[CAPACITY][features];
    float[] row = new float[features];
    // More rows than the capacity, ending mid-ring, so both rings have wrapped.
    for (int r = 0; r < CAPACITY + CAPACITY / 3; r++) {
      for (int c = 0; c < features; c++) {
        row[c] = r + c * 0.01f;
      }
      window.append(r, row);
      System.arraycopy(row, 0, plainRing[plainHead], 0, features);
      plainHead = (plainHead + 1) % CAPACITY;
    }
  }

  @TearDown
  public void tearDown() {
    window.close();
  }

  /** Our path: the model input is a view of the ring. */
  @Benchmark
  public TensorBuffer latestView() {
    return window.latest(n);
  }

  /** Our path as a model input with a batch axis, {@code [1, n, features]}. */
  @Benchmark
  public TensorBuffer latestBatchView() {
    return window.latestBatch(n);
  }

  /** Our path up to what ONNX Runtime wraps: the view's direct, native-order FloatBuffer. */
  @Benchmark
  public FloatBuffer latestViewAsFloatBuffer() {
    return window.latest(n).asFloatBuffer();
  }

  /** The plain alternative: copy the latest rows of a heap ring into a fresh array per inference. */
  @Benchmark
  public float[][] copyFromPlainRing() {
    float[][] input = new float[n][features];
    int start = plainHead - n + CAPACITY;
    for (int i = 0; i < n; i++) {
      System.arraycopy(plainRing[(start + i) % CAPACITY], 0, input[i], 0, features);
    }
    return input;
  }
}
