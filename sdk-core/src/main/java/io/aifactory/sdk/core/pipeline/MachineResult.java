package io.aifactory.sdk.core.pipeline;

import io.aifactory.sdk.core.Quality;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a pipeline concluded about one machine at one window: the model's outputs for it, with a quality.
 *
 * <p>GOOD: every row of the window held the machine's own good samples. UNCERTAIN: the window was valid but some
 * values were held over a short gap (see {@link io.aifactory.sdk.core.tensor.MissingDataPolicy}). BAD: there is
 * no conclusion (the machine's data went stale or the model failed); the values are NaN, never a stale or
 * invented number. Immutable.
 */
public final class MachineResult {
  private final String pipeline;
  private final String machine;
  private final long sequence;
  private final long timeNanos;
  private final Quality quality;
  private final List<String> outputNames;
  private final double[] values;

  public MachineResult(String pipeline, String machine, long sequence, long timeNanos, Quality quality,
      List<String> outputNames, double[] values) {
    this(pipeline, machine, sequence, timeNanos, quality, outputNames, values.clone(), true);
  }

  /** Takes {@code values} without copying it ({@code owned} only tells this constructor from the public one). */
  private MachineResult(String pipeline, String machine, long sequence, long timeNanos, Quality quality,
      List<String> outputNames, double[] values, boolean owned) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.machine = Objects.requireNonNull(machine, "machine");
    this.sequence = sequence;
    this.timeNanos = timeNanos;
    this.quality = Objects.requireNonNull(quality, "quality");
    this.outputNames = List.copyOf(outputNames);
    this.values = values;
    if (this.values.length != this.outputNames.size()) {
      throw new IllegalArgumentException("values.length != outputNames.size(): " + values.length + " != " + outputNames.size());
    }
  }

  /** Returns a result holding {@code values} itself, not a copy; the pipeline's per-tick path allocates it once. */
  static MachineResult owning(String pipeline, String machine, long sequence, long timeNanos, Quality quality,
      List<String> outputNames, double[] values) {
    return new MachineResult(pipeline, machine, sequence, timeNanos, quality, outputNames, values, true);
  }

  /** Returns a BAD result with NaN values: no conclusion could be drawn, for {@code quality}'s reason. */
  public static MachineResult bad(String pipeline, String machine, long sequence, long timeNanos, Quality quality,
      List<String> outputNames) {
    double[] nan = new double[outputNames.size()];
    Arrays.fill(nan, Double.NaN);
    return owning(pipeline, machine, sequence, timeNanos, quality, outputNames, nan);
  }

  public String pipeline() {
    return pipeline;
  }

  public String machine() {
    return machine;
  }

  /** Returns the window's end: the number of rows the machine's window had received when it was scored. */
  public long sequence() {
    return sequence;
  }

  /** Returns the time of the window's last row, in nanoseconds since the epoch. */
  public long timeNanos() {
    return timeNanos;
  }

  public Quality quality() {
    return quality;
  }

  public boolean isGood() {
    return quality.isGood();
  }

  /** Returns true unless the quality is BAD: GOOD or UNCERTAIN results carry real model outputs. */
  public boolean hasValues() {
    return !quality.isBad();
  }

  /** Returns the names of the values, e.g. {@code score} or {@code score[0]}, {@code score[1]}. */
  public List<String> outputNames() {
    return outputNames;
  }

  /** Returns the first value: for the common one-output model, its output. NaN when BAD. */
  public double value() {
    return values.length == 0 ? Double.NaN : values[0];
  }

  public double value(int index) {
    return values[index];
  }

  /** Returns the value named {@code name}. */
  public double value(String name) {
    int i = outputNames.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("result of '" + machine + "': no output '" + name + "' in " + outputNames);
    }
    return values[i];
  }

  public double[] values() {
    return values.clone();
  }

  @Override
  public String toString() {
    return pipeline + "/" + machine + "#" + sequence + " " + quality + " " + Arrays.toString(values);
  }
}
