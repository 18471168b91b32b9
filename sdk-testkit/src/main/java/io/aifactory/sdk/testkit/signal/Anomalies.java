package io.aifactory.sdk.testkit.signal;

import java.time.Duration;
import java.util.Objects;

/**
 * Factories for the standard {@link Anomaly anomalies}. Each takes its window as a start and a duration
 * ({@code null} duration: until the end).
 *
 * <p>A dropout makes the signal {@code NaN}: a scenario runner then publishes NaN to floating-point tags and
 * leaves other tags at their last value, as a sensor channel that stopped updating.
 */
public final class Anomalies {
  private Anomalies() {}

  /** Adds {@code magnitude} during the window, e.g. a current spike when a tool hits a chip. */
  public static Anomaly spike(Duration start, Duration duration, double magnitude) {
    return new Windowed("spike", start, duration, (base, window) -> t -> window.contains(t) ? base.valueAt(t) + magnitude : base.valueAt(t));
  }

  /**
   * Adds {@code ratePerSecond × (t − start)} from the start; after a bounded window the offset is removed again
   * (the drift was recalibrated away).
   */
  public static Anomaly drift(Duration start, Duration duration, double ratePerSecond) {
    return new Windowed("drift", start, duration,
        (base, window) -> t -> window.contains(t) ? base.valueAt(t) + ratePerSecond * ((t - window.from) / 1e9) : base.valueAt(t));
  }

  /** Holds the value the signal had when the window started, as a frozen sensor. */
  public static Anomaly stuck(Duration start, Duration duration) {
    return new Windowed("stuck", start, duration, (base, window) -> t -> window.contains(t) ? base.valueAt(window.from) : base.valueAt(t));
  }

  /** Holds {@code value} during the window, e.g. a sensor stuck at full scale. */
  public static Anomaly stuckAt(Duration start, Duration duration, double value) {
    return new Windowed("stuckAt", start, duration, (base, window) -> t -> window.contains(t) ? value : base.valueAt(t));
  }

  /** Adds seeded Gaussian noise of {@code stdDev} during the window. */
  public static Anomaly noiseBurst(Duration start, Duration duration, double stdDev, long seed) {
    Signal noise = Signals.gaussianNoise(seed, stdDev);
    return new Windowed("noiseBurst", start, duration,
        (base, window) -> t -> window.contains(t) ? base.valueAt(t) + noise.valueAt(t) : base.valueAt(t));
  }

  /** Makes the signal {@code NaN} during the window: no reading. */
  public static Anomaly dropout(Duration start, Duration duration) {
    return new Windowed("dropout", start, duration, (base, window) -> t -> window.contains(t) ? Double.NaN : base.valueAt(t));
  }

  /** The time window [from, to) of an anomaly, in nanoseconds since the start. */
  static final class Window {
    final long from;
    final long to;

    Window(long from, long to) {
      this.from = from;
      this.to = to;
    }

    boolean contains(long t) {
      return t >= from && t < to;
    }
  }

  private interface Effect {
    Signal apply(Signal base, Window window);
  }

  private static final class Windowed implements Anomaly {
    private final String kind;
    private final Duration start;
    private final Duration duration;
    private final Effect effect;

    Windowed(String kind, Duration start, Duration duration, Effect effect) {
      Objects.requireNonNull(start, "start");
      if (start.isNegative()) throw new IllegalArgumentException("start < 0: " + start);
      if (duration != null && (duration.isNegative() || duration.isZero())) throw new IllegalArgumentException("duration <= 0: " + duration);
      this.kind = kind;
      this.start = start;
      this.duration = duration;
      this.effect = effect;
    }

    @Override
    public Duration start() {
      return start;
    }

    @Override
    public Duration duration() {
      return duration;
    }

    @Override
    public Signal applyTo(Signal signal) {
      Objects.requireNonNull(signal, "signal");
      long from = start.toNanos();
      long to = duration == null ? Long.MAX_VALUE : from + duration.toNanos();
      return effect.apply(signal, new Window(from, to));
    }

    @Override
    public String toString() {
      return kind + " at " + start + (duration == null ? "" : " for " + duration);
    }
  }
}
