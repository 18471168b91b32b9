package io.aifactory.sdk.core.guard;

/**
 * What a {@link WriteGuard} does once per stall: when no proposal arrived within its dead-man time, or its source
 * turned BAD. Immutable.
 *
 * <p>{@link #hold()} leaves the device as it is and says so in the audit. {@link #safeValue(double)} writes a value
 * the plant has declared safe; it must lie within the guard's range, but it is not limited by the maximum step or
 * rate, because its purpose is to reach the safe state now.
 */
public final class Fallback {
  private static final Fallback HOLD = new Fallback(Double.NaN);

  private final double safeValue;

  private Fallback(double safeValue) {
    this.safeValue = safeValue;
  }

  /** Returns the fallback that writes nothing and keeps the device's current value. */
  public static Fallback hold() {
    return HOLD;
  }

  /**
   * Returns the fallback that writes {@code value} (in LIVE mode; in SHADOW mode it is audited only).
   *
   * @throws IllegalArgumentException if {@code value} is not finite
   */
  public static Fallback safeValue(double value) {
    if (!Double.isFinite(value)) throw new IllegalArgumentException("safe value is not finite: " + value);
    return new Fallback(value);
  }

  /** Returns true for {@link #hold()}. */
  public boolean isHold() {
    return Double.isNaN(safeValue);
  }

  /** Returns the safe value; NaN for {@link #hold()}. */
  public double value() {
    return safeValue;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fallback && Double.compare(((Fallback) o).safeValue, safeValue) == 0;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(safeValue);
  }

  @Override
  public String toString() {
    return isHold() ? "hold" : "safeValue(" + safeValue + ")";
  }
}
