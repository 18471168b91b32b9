package io.aifactory.sdk.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff with jitter and a cap, which every driver honours between connection attempts.
 *
 * <p>Attempt {@code n} (from 1) waits {@code min(maxDelay, initialDelay × multiplier^(n−1))}, then moves it by a
 * random fraction of up to ±{@code jitter} so that a plant full of clients does not reconnect in lockstep after a
 * switch reboots.
 */
public final class ReconnectPolicy {
  private final Duration initialDelay;
  private final Duration maxDelay;
  private final double multiplier;
  private final double jitter;

  private ReconnectPolicy(Builder b) {
    this.initialDelay = b.initialDelay;
    this.maxDelay = b.maxDelay;
    this.multiplier = b.multiplier;
    this.jitter = b.jitter;
  }

  /** Returns the default: 500 ms, doubling, capped at 30 s, ±20 % jitter. */
  public static ReconnectPolicy defaults() {
    return newBuilder().build();
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .initialDelay(initialDelay).maxDelay(maxDelay).multiplier(multiplier).jitter(jitter);
  }

  public Duration initialDelay() {
    return initialDelay;
  }

  public Duration maxDelay() {
    return maxDelay;
  }

  public double multiplier() {
    return multiplier;
  }

  public double jitter() {
    return jitter;
  }

  /**
   * Returns the wait before attempt {@code attempt}.
   *
   * @param random a uniform random number in [0, 1), passed in so tests can be deterministic
   */
  public Duration delay(int attempt, double random) {
    if (attempt < 1) throw new IllegalArgumentException("attempt < 1: " + attempt);
    double base = initialDelay.toNanos() * Math.pow(multiplier, attempt - 1);
    double capped = Math.min(base, maxDelay.toNanos());
    double jittered = capped * (1 + jitter * (2 * random - 1));
    return Duration.ofNanos((long) Math.min(jittered, maxDelay.toNanos()));
  }

  @Override
  public String toString() {
    return "ReconnectPolicy{" + initialDelay + " ×" + multiplier + " ≤" + maxDelay + " ±" + jitter + "}";
  }

  /** Builds a {@link ReconnectPolicy}. */
  public static final class Builder {
    private Duration initialDelay = Duration.ofMillis(500);
    private Duration maxDelay = Duration.ofSeconds(30);
    private double multiplier = 2.0;
    private double jitter = 0.2;

    private Builder() {}

    public Builder initialDelay(Duration initialDelay) {
      if (initialDelay.isNegative()) throw new IllegalArgumentException("initialDelay < 0: " + initialDelay);
      this.initialDelay = initialDelay;
      return this;
    }

    public Builder maxDelay(Duration maxDelay) {
      if (maxDelay.isNegative()) throw new IllegalArgumentException("maxDelay < 0: " + maxDelay);
      this.maxDelay = maxDelay;
      return this;
    }

    public Builder multiplier(double multiplier) {
      if (!(multiplier >= 1) || Double.isInfinite(multiplier)) throw new IllegalArgumentException("multiplier < 1: " + multiplier);
      this.multiplier = multiplier;
      return this;
    }

    /** Sets the fraction of each delay, from 0 to 1, by which it is randomly moved. */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0 && jitter <= 1)) throw new IllegalArgumentException("jitter not in [0, 1]: " + jitter);
      this.jitter = jitter;
      return this;
    }

    public ReconnectPolicy build() {
      if (maxDelay.compareTo(Objects.requireNonNull(initialDelay)) < 0) {
        throw new IllegalArgumentException("maxDelay < initialDelay: " + maxDelay + " < " + initialDelay);
      }
      return new ReconnectPolicy(this);
    }
  }
}
