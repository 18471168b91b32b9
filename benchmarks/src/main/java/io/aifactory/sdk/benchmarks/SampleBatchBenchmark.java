package io.aifactory.sdk.benchmarks;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.Sample;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One poll's worth of values, built and then summed: {@link SampleBatch}'s primitive columns versus the plain
 * alternative, a {@code List<Sample>} with a boxed value per tag. Run with {@code -prof gc} to see bytes per op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SampleBatchBenchmark {
  @Param({"1000"})
  int tags;

  private Tag[] tagArray;
  private double[] raw;

  @Setup
  public void setUp() {
    tagArray = new Tag[tags];
    raw = new double[tags];
    for (int i = 0; i < tags; i++) {
      tagArray[i] = Tag.of("t" + i, "holding:" + i, DataType.FLOAT32);
      raw[i] = i * 0.5;
    }
  }

  @Benchmark
  public double sampleBatchColumns() {
    SampleBatch.Builder b = SampleBatch.newBuilder(tags);
    for (int i = 0; i < tags; i++) b.add(tagArray[i], raw[i], Quality.GOOD, 0);
    SampleBatch batch = b.build();
    double sum = 0;
    for (int i = 0; i < batch.size(); i++) {
      if (batch.isGood(i)) sum += batch.doubleValue(i);
    }
    return sum;
  }

  @Benchmark
  public double boxedSampleList() {
    List<Sample> samples = new ArrayList<>(tags);
    for (int i = 0; i < tags; i++) samples.add(new Sample(tagArray[i], raw[i], Quality.GOOD, 0, 0));
    double sum = 0;
    for (Sample s : samples) {
      if (s.quality().isGood()) sum += ((Double) s.value());
    }
    return sum;
  }
}
