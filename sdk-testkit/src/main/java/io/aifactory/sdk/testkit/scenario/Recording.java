package io.aifactory.sdk.testkit.scenario;

import io.aifactory.sdk.testkit.signal.Signal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A scenario's scalar tags sampled at a fixed step, with the names of the scenario events under way at each row as
 * labels: training or test data from the same tag model the simulators serve, without starting them. The same
 * scenario, seed, length and step always give the same recording.
 *
 * <pre>{@code
 * Recording healthy = Recording.of(Scenarios.load("spindle-line"), 42, Duration.ofSeconds(110), Duration.ofMillis(100));
 * double[] temperatures = healthy.column("line-plc/spindle2.temperature");
 * }</pre>
 *
 * <p>Columns are named {@code device/tag}; values are what a client would read (integers rounded, booleans 0 or
 * 1, NaN during a dropout). Array tags (waveforms) are left out: sample them with
 * {@link io.aifactory.sdk.testkit.signal.Waveform} from {@link ScenarioTag#signal(long)}.
 *
 * <p>Tags with a {@link Response} are recorded as the plant answers its setpoints left at their initial values
 * (a recording has no clients to write them): the process as it runs today, before any AI changes a setpoint.
 */
public final class Recording {
  private final List<String> columns;
  private final long[] times;
  private final double[][] values;
  private final List<List<String>> labels;

  private Recording(List<String> columns, long[] times, double[][] values, List<List<String>> labels) {
    this.columns = columns;
    this.times = times;
    this.values = values;
    this.labels = labels;
  }

  /**
   * Samples every driven scalar tag of {@code scenario} from time zero to {@code duration} (inclusive) every
   * {@code step}.
   *
   * @throws IllegalArgumentException if {@code step} is not positive, {@code duration} is negative, or the
   *     recording would exceed 10 million rows
   */
  public static Recording of(Scenario scenario, long seed, Duration duration, Duration step) {
    Objects.requireNonNull(scenario, "scenario");
    if (step.isNegative() || step.isZero()) throw new IllegalArgumentException("step <= 0: " + step);
    if (duration.isNegative()) throw new IllegalArgumentException("duration < 0: " + duration);
    long rows = duration.toNanos() / step.toNanos() + 1;
    if (rows > 10_000_000) throw new IllegalArgumentException("rows > 10000000: " + rows + " (a longer step or a shorter duration)");
    List<String> columns = new ArrayList<>();
    List<ScenarioTag> tags = new ArrayList<>();
    List<Signal> signals = new ArrayList<>();
    List<ResponseState> responses = new ArrayList<>();
    for (ScenarioDevice d : scenario.devices()) {
      for (ScenarioTag t : d.tags()) {
        if (t.response().isPresent()) {
          List<String> names = t.response().get().setpointTags();
          double[] setpoints = new double[names.size()];
          for (int i = 0; i < setpoints.length; i++) {
            // Without an initial value a setpoint starts at 0, as on a simulator.
            setpoints[i] = d.tag(names.get(i)).map(s -> s.initialValue().orElse(0)).orElse(0.0);
          }
          ResponseState r = new ResponseState(d.name(), t, seed, 0, setpoints, v -> { });
          responses.add(r);
          columns.add(d.name() + "/" + t.tag().name());
          tags.add(t);
          signals.add(null);
          continue;
        }
        if (!t.isDriven() || t.tag().dataType().isArray()) continue;
        columns.add(d.name() + "/" + t.tag().name());
        tags.add(t);
        signals.add(t.signal(seed));
      }
    }
    long tick = scenario.tick().toNanos();
    int n = (int) rows;
    long[] times = new long[n];
    double[][] values = new double[n][columns.size()];
    List<List<String>> labels = new ArrayList<>(n);
    for (int r = 0; r < n; r++) {
      long t = r * step.toNanos();
      times[r] = t;
      for (ResponseState rs : responses) rs.advanceTo(t, tick);
      int next = 0;
      for (int c = 0; c < columns.size(); c++) {
        Signal signal = signals.get(c);
        double raw = signal != null ? signal.valueAt(t) : responses.get(next++).publishedValue();
        Object v = TagValues.scalar(tags.get(c).tag(), raw);
        values[r][c] = v == null ? Double.NaN : v instanceof Boolean ? ((Boolean) v ? 1 : 0) : ((Number) v).doubleValue();
      }
      labels.add(List.copyOf(scenario.activeEvents(Duration.ofNanos(t))));
    }
    return new Recording(Collections.unmodifiableList(columns), times, values, Collections.unmodifiableList(labels));
  }

  /** Returns the column names, {@code device/tag}, in scenario order. */
  public List<String> columns() {
    return columns;
  }

  public int rows() {
    return times.length;
  }

  /** Returns the simulation time of a row, in nanoseconds since the start. */
  public long timeNanos(int row) {
    return times[row];
  }

  public double value(int row, int column) {
    return values[row][column];
  }

  /** Returns the names of the scenario events under way at a row; empty when nothing is happening. */
  public List<String> labels(int row) {
    return labels.get(row);
  }

  /**
   * Returns a copy of one column.
   *
   * @throws IllegalArgumentException naming the column and the known ones
   */
  public double[] column(String name) {
    int c = columns.indexOf(name);
    if (c < 0) throw new IllegalArgumentException("no column '" + name + "' (columns: " + String.join(", ", columns) + ")");
    double[] out = new double[times.length];
    for (int r = 0; r < out.length; r++) out[r] = values[r][c];
    return out;
  }

  /**
   * Writes the recording as CSV: {@code time} in seconds, one column per tag, and {@code events} (the labels
   * joined by {@code ;}). NaN is written as an empty cell.
   */
  public void writeCsv(Appendable out) {
    try {
      out.append("time");
      for (String c : columns) out.append(',').append(c);
      out.append(",events\n");
      for (int r = 0; r < times.length; r++) {
        out.append(String.format(Locale.ROOT, "%.3f", times[r] / 1e9));
        for (double v : values[r]) out.append(',').append(Double.isNaN(v) ? "" : String.valueOf(v));
        out.append(',').append(String.join(";", labels.get(r))).append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the recording: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "Recording{" + times.length + " rows × " + columns.size() + " tags}";
  }
}
