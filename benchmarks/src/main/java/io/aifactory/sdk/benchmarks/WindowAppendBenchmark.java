package io.aifactory.sdk.benchmarks;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.tensor.Window;
import java.util.ArrayList;
import java.util.List;
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
 * Rows appended per second to a {@link Window} (mirrored, normalised, with mask and time), from a
 * {@code float[]} and from a {@link SampleBatch}, against copying the row into a plain heap ring.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class WindowAppendBenchmark {
  private static final int CAPACITY = 1024;

  @Param({"16", "256"})
  int features;

  private Window window;
  private float[] row;
  private SampleBatch batch;
  private float[][] plainRing;
  private int plainHead;
  private long time;

  @Setup
  public void setUp() {
    List<String> names = new ArrayList<>();
    double[] mean = new double[features];
    double[] std = new double[features];
    SampleBatch.Builder builder = SampleBatch.newBuilder(features);
    row = new float[features];
    for (int c = 0; c < features; c++) {
      names.add("tag" + c);
      mean[c] = c;
      std[c] = 1 + c;
      row[c] = c * 1.5f;
      builder.add(Tag.of("tag" + c, "holding:" + (2 * c) + ":float32", DataType.FLOAT32), row[c], Quality.GOOD,
          1_000_000L + c);
    }
    batch = builder.build();
    window = Window.newBuilder().capacity(CAPACITY).columns(names).normalisation(mean, std).build();
    plainRing = new float[CAPACITY][features];
  }

  @TearDown
  public void tearDown() {
    window.close();
  }

  /** Our path from primitive rows. */
  @Benchmark
  public long appendRow() {
    window.append(time++, row);
    return window.sequence();
  }

  /** Our path from a sample batch: tag-to-column mapping, quality check, normalisation, mirror write. */
  @Benchmark
  public long appendSampleBatch() {
    window.append(batch);
    return window.sequence();
  }

  /** The plain alternative: copy the row into a heap ring (no normalisation, no mask, no mirror). */
  @Benchmark
  public int appendToPlainRing() {
    System.arraycopy(row, 0, plainRing[plainHead], 0, features);
    plainHead = (plainHead + 1) % CAPACITY;
    return plainHead;
  }
}
