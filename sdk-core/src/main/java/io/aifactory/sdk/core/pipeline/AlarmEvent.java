package io.aifactory.sdk.core.pipeline;

import java.util.Objects;

/** An alarm raised or cleared by a {@link ThresholdAlarm}. Immutable. */
public final class AlarmEvent {
  /** Whether the alarm started or ended. */
  public enum Kind { RAISED, CLEARED }

  private final String alarm;
  private final String pipeline;
  private final String machine;
  private final Kind kind;
  private final double value;
  private final double threshold;
  private final long timeNanos;

  public AlarmEvent(String alarm, String pipeline, String machine, Kind kind, double value, double threshold,
      long timeNanos) {
    this.alarm = Objects.requireNonNull(alarm, "alarm");
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.machine = Objects.requireNonNull(machine, "machine");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.value = value;
    this.threshold = threshold;
    this.timeNanos = timeNanos;
  }

  /** Returns the alarm's name, e.g. {@code anomaly}. */
  public String alarm() {
    return alarm;
  }

  public String pipeline() {
    return pipeline;
  }

  public String machine() {
    return machine;
  }

  public Kind kind() {
    return kind;
  }

  /** Returns the value that raised or cleared the alarm. */
  public double value() {
    return value;
  }

  /** Returns the threshold that was crossed: the raise threshold for RAISED, the clear threshold for CLEARED. */
  public double threshold() {
    return threshold;
  }

  /** Returns the time of the result that caused the event, in nanoseconds since the epoch. */
  public long timeNanos() {
    return timeNanos;
  }

  @Override
  public String toString() {
    return alarm + " " + kind + " " + pipeline + "/" + machine + " value=" + value + " threshold=" + threshold;
  }
}
