package io.aifactory.sdk.testkit.signal;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Factories for the standard signals. Every returned signal is deterministic and safe to share between threads. */
public final class Signals {
  private static final double NANOS_PER_SECOND = 1e9;

  private Signals() {}

  /** Returns {@code value} at every time. */
  public static Signal constant(double value) {
    return t -> value;
  }

  /**
   * Returns {@code offset + amplitude × sin(2π t / period + phase)}.
   *
   * @param phaseRadians the phase at time zero
   */
  public static Signal sine(double amplitude, Duration period, double offset, double phaseRadians) {
    double periodNanos = positive(period, "period");
    return t -> offset + amplitude * Math.sin(2 * Math.PI * (t / periodNanos) + phaseRadians);
  }

  /** Returns a sine of {@code frequencyHz} with zero offset and phase, e.g. a tone in a vibration waveform. */
  public static Signal tone(double amplitude, double frequencyHz) {
    return tone(amplitude, frequencyHz, 0);
  }

  /** Returns {@code amplitude × sin(2π f t + phase)}, precise in phase even after hours of simulated time. */
  public static Signal tone(double amplitude, double frequencyHz, double phaseRadians) {
    if (!(frequencyHz > 0) || Double.isInfinite(frequencyHz)) throw new IllegalArgumentException("frequencyHz <= 0: " + frequencyHz);
    double cyclesPerNano = frequencyHz / NANOS_PER_SECOND;
    // Reduce the cycle count before multiplying by 2π so phase stays precise after hours of simulated time.
    return t -> {
      double cycles = t * cyclesPerNano;
      return amplitude * Math.sin(2 * Math.PI * (cycles - Math.floor(cycles)) + phaseRadians);
    };
  }

  /**
   * Returns {@code start} until {@code at}, then a line of {@code slopePerSecond}, clamped to [min, max].
   *
   * @param min the lowest value, or {@code Double.NEGATIVE_INFINITY}
   * @param max the highest value, or {@code Double.POSITIVE_INFINITY}
   */
  public static Signal ramp(double start, double slopePerSecond, Duration at, double min, double max) {
    long atNanos = nonNegative(at, "at");
    if (min > max) throw new IllegalArgumentException("min > max: " + min + " > " + max);
    return t -> {
      double v = start + slopePerSecond * (Math.max(0, t - atNanos) / NANOS_PER_SECOND);
      return Math.min(max, Math.max(min, v));
    };
  }

  /** Returns {@code start + slopePerSecond × t} without bounds. */
  public static Signal ramp(double start, double slopePerSecond) {
    return ramp(start, slopePerSecond, Duration.ZERO, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  /**
   * Returns {@code high} for the first {@code dutyCycle} of each period and {@code low} for the rest.
   *
   * @param dutyCycle the fraction of each period spent high, in [0, 1]
   */
  public static Signal square(double low, double high, Duration period, double dutyCycle) {
    long periodNanos = (long) positive(period, "period");
    if (!(dutyCycle >= 0 && dutyCycle <= 1)) throw new IllegalArgumentException("dutyCycle not in [0, 1]: " + dutyCycle);
    long highNanos = Math.round(periodNanos * dutyCycle);
    return t -> Math.floorMod(t, periodNanos) < highNanos ? high : low;
  }

  /** Returns {@code before} until {@code at}, then {@code after}. */
  public static Signal step(double before, double after, Duration at) {
    long atNanos = nonNegative(at, "at");
    return t -> t < atNanos ? before : after;
  }

  /**
   * Returns a random walk: {@code start} at time zero, then at every {@code step} a Gaussian increment of
   * standard deviation {@code stepStdDev}, held until the next step and clamped to [min, max].
   *
   * <p>Increment {@code k} depends only on the seed and {@code k}, so the walk is the same for a seed whatever
   * times it is evaluated at; evaluating forwards in time is cheap, going back recomputes from the start.
   */
  public static Signal randomWalk(long seed, double start, double stepStdDev, Duration step, double min, double max) {
    return new RandomWalk(seed, start, stepStdDev, (long) positive(step, "step"), min, max);
  }

  /** Returns an unbounded random walk. */
  public static Signal randomWalk(long seed, double start, double stepStdDev, Duration step) {
    return randomWalk(seed, start, stepStdDev, step, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  /** Returns white Gaussian noise of mean 0; the value at a time depends only on the seed and that time. */
  public static Signal gaussianNoise(long seed, double stdDev) {
    if (!(stdDev >= 0) || Double.isInfinite(stdDev)) throw new IllegalArgumentException("stdDev is not a finite number >= 0: " + stdDev);
    return t -> stdDev * Randomness.gaussian(seed, t);
  }

  /**
   * Replays a column of a CSV file whose first column is the time in seconds since the start, interpolating
   * linearly between rows; before the first row it gives the first value, after the last it loops or holds.
   *
   * @throws IllegalArgumentException naming the file, line and column of a malformed row or an unknown column
   */
  public static Signal replay(Path csv, String column, boolean loop) {
    try (Reader reader = Files.newBufferedReader(csv)) {
      return CsvReplay.read(reader, csv.toString(), column, loop);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + csv + ": " + e.getMessage(), e);
    }
  }

  /** Replays a column of CSV text read from {@code reader}; {@code sourceName} names it in errors. */
  public static Signal replay(Reader reader, String sourceName, String column, boolean loop) {
    try {
      return CsvReplay.read(reader, sourceName, column, loop);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + sourceName + ": " + e.getMessage(), e);
    }
  }

  /** Returns the sum of {@code signals}. */
  public static Signal sum(Signal... signals) {
    return sum(List.of(signals));
  }

  public static Signal sum(List<Signal> signals) {
    Signal[] parts = signals.toArray(new Signal[0]);
    for (Signal s : parts) Objects.requireNonNull(s, "signal");
    return t -> {
      double v = 0;
      for (Signal s : parts) v += s.valueAt(t);
      return v;
    };
  }

  /** Returns the product of {@code signals}. */
  public static Signal product(Signal... signals) {
    return product(List.of(signals));
  }

  public static Signal product(List<Signal> signals) {
    Signal[] parts = signals.toArray(new Signal[0]);
    for (Signal s : parts) Objects.requireNonNull(s, "signal");
    return t -> {
      double v = 1;
      for (Signal s : parts) v *= s.valueAt(t);
      return v;
    };
  }

  /** Returns {@code signal × factor}. */
  public static Signal scale(Signal signal, double factor) {
    Objects.requireNonNull(signal, "signal");
    return t -> signal.valueAt(t) * factor;
  }

  /**
   * Derives an independent seed for a named stream from a root seed, e.g. one per tag, so that adding a tag to a
   * scenario does not change the values of the others.
   */
  public static long deriveSeed(long seed, String stream) {
    return Randomness.derive(seed, Objects.requireNonNull(stream, "stream"));
  }

  static double positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " <= 0: " + d);
    return d.toNanos();
  }

  static long nonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) throw new IllegalArgumentException(name + " < 0: " + d);
    return d.toNanos();
  }
}
