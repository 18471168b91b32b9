package io.aifactory.sdk.testkit.signal;

/**
 * A value as a function of simulation time. Implementations are deterministic: the same time (and, for random
 * signals, the same seed) always gives the same value, in whatever order times are asked for.
 *
 * <pre>{@code
 * Signal temperature = Signals.constant(40)
 *     .plus(Signals.randomWalk(7, 0, 0.02, Duration.ofMillis(100)))
 *     .plus(Signals.gaussianNoise(8, 0.05));
 * double at90s = temperature.valueAt(Duration.ofSeconds(90).toNanos());
 * }</pre>
 */
@FunctionalInterface
public interface Signal {
  /** Returns the value {@code nanos} nanoseconds after the scenario started. */
  double valueAt(long nanos);

  /** Returns the sum of this signal and {@code other}. */
  default Signal plus(Signal other) {
    return Signals.sum(this, other);
  }

  /** Returns the product of this signal and {@code other}, e.g. a tone times an envelope. */
  default Signal times(Signal other) {
    return Signals.product(this, other);
  }

  /** Returns this signal multiplied by {@code factor}. */
  default Signal scale(double factor) {
    return Signals.scale(this, factor);
  }
}
