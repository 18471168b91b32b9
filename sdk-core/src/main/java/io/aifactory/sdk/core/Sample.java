package io.aifactory.sdk.core;

import java.util.Objects;

/**
 * One value of one tag, with its quality and timestamps: the boxed, convenient view of one row of a
 * {@link SampleBatch}. Hot paths read the batch's primitive columns instead.
 */
public final class Sample {
  private final Tag tag;
  private final Object value;
  private final Quality quality;
  private final long sourceTimeNanos;
  private final long receiveTimeNanos;

  public Sample(Tag tag, Object value, Quality quality, long sourceTimeNanos, long receiveTimeNanos) {
    this.tag = Objects.requireNonNull(tag, "tag");
    this.quality = Objects.requireNonNull(quality, "quality");
    if (value == null && !quality.isBad()) throw new IllegalArgumentException("tag '" + tag.name() + "': null value with quality " + quality);
    this.value = value;
    this.sourceTimeNanos = sourceTimeNanos;
    this.receiveTimeNanos = receiveTimeNanos;
  }

  public Tag tag() {
    return tag;
  }

  /**
   * Returns the value: a {@code Double} for scaled or floating-point numbers, a {@code Long} for unscaled integers,
   * a {@code Boolean}, a {@code String}, or a primitive array ({@code float[]} for FLOAT32[n} and so on); null when
   * the quality is BAD.
   */
  public Object value() {
    return value;
  }

  /** Returns the value as a double: NaN when BAD or not a number, 1 or 0 for booleans. */
  public double doubleValue() {
    if (value instanceof Number) return ((Number) value).doubleValue();
    if (value instanceof Boolean) return ((Boolean) value) ? 1 : 0;
    return Double.NaN;
  }

  public Quality quality() {
    return quality;
  }

  /** Returns when the device says the value was sampled, in nanoseconds since the epoch. */
  public long sourceTimeNanos() {
    return sourceTimeNanos;
  }

  /** Returns when the SDK received the value, in nanoseconds since the epoch. */
  public long receiveTimeNanos() {
    return receiveTimeNanos;
  }

  @Override
  public String toString() {
    Object shown = value != null && value.getClass().isArray() ? tag.dataType() : value;
    return tag.name() + "=" + shown + " " + quality + " @" + sourceTimeNanos;
  }
}
