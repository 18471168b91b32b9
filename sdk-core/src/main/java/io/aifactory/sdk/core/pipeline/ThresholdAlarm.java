package io.aifactory.sdk.core.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An alarm per machine on one of a pipeline's outputs, with hysteresis and a minimum duration: raised when the value
 * has stayed above {@code raiseAbove} for {@code minDuration}, cleared when it has stayed below {@code clearBelow} for
 * {@code minDuration}. Durations are measured in the results' own (sample) time, so a sped-up simulation or a
 * replayed recording behaves like the real line.
 *
 * <p>A BAD result says nothing about the machine: it neither raises nor clears, and restarts the count towards a
 * pending change (an alarm is not cleared because the PLC went away). Used by one pipeline's thread at a time.
 */
public final class ThresholdAlarm implements PipelineAction {
  private static final Logger LOG = LoggerFactory.getLogger(ThresholdAlarm.class);

  private final String name;
  private final String output;
  private final double raiseAbove;
  private final double clearBelow;
  private final long minDurationNanos;
  private final List<AlarmListener> listeners;
  private final Map<String, State> states = new HashMap<>();

  private ThresholdAlarm(Builder b) {
    this.name = b.name;
    this.output = b.output;
    this.raiseAbove = b.raiseAbove;
    this.clearBelow = b.clearBelow;
    this.minDurationNanos = b.minDuration.toNanos();
    this.listeners = List.copyOf(b.listeners);
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public String name() {
    return name;
  }

  /** Returns the name of the result value watched, or null for the first value. */
  public String output() {
    return output;
  }

  public double raiseAbove() {
    return raiseAbove;
  }

  public double clearBelow() {
    return clearBelow;
  }

  public Duration minDuration() {
    return Duration.ofNanos(minDurationNanos);
  }

  /** Returns whether the alarm is raised for {@code machine}. */
  public synchronized boolean isRaised(String machine) {
    State s = states.get(machine);
    return s != null && s.raised;
  }

  @Override
  public synchronized void onResult(MachineResult result) {
    State s = states.computeIfAbsent(result.machine(), m -> new State());
    if (!result.hasValues()) {
      s.crossingSince = Long.MIN_VALUE;
      return;
    }
    double v = output == null ? result.value() : result.value(output);
    boolean crossing = s.raised ? v < clearBelow : v > raiseAbove;
    if (!crossing) {
      s.crossingSince = Long.MIN_VALUE;
      return;
    }
    if (s.crossingSince == Long.MIN_VALUE) {
      s.crossingSince = result.timeNanos();
    }
    if (result.timeNanos() - s.crossingSince < minDurationNanos) {
      return;
    }
    s.raised = !s.raised;
    s.crossingSince = Long.MIN_VALUE;
    AlarmEvent event = new AlarmEvent(name, result.pipeline(), result.machine(),
        s.raised ? AlarmEvent.Kind.RAISED : AlarmEvent.Kind.CLEARED, v, s.raised ? raiseAbove : clearBelow,
        result.timeNanos());
    LOG.info("{}", event);
    for (AlarmListener l : listeners) {
      try {
        l.onAlarm(event);
      } catch (RuntimeException e) {
        LOG.warn("alarm '{}': listener failed on {}", name, event, e);
      }
    }
  }

  @Override
  public String toString() {
    return "ThresholdAlarm[" + name + " raise>" + raiseAbove + " clear<" + clearBelow + "]";
  }

  private static final class State {
    boolean raised;
    long crossingSince = Long.MIN_VALUE;
  }

  /** Options of a {@link ThresholdAlarm}; {@code raiseAbove} is required. */
  public static final class Builder {
    private String name = "alarm";
    private String output;
    private double raiseAbove = Double.NaN;
    private double clearBelow = Double.NaN;
    private Duration minDuration = Duration.ZERO;
    private final List<AlarmListener> listeners = new ArrayList<>();

    private Builder() {}

    /** The alarm's name in events, e.g. {@code anomaly}; {@code alarm} by default. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The result value to watch, by name; the first value by default. */
    public Builder output(String output) {
      this.output = Objects.requireNonNull(output, "output");
      return this;
    }

    public Builder raiseAbove(double raiseAbove) {
      this.raiseAbove = raiseAbove;
      return this;
    }

    /** The value must fall below this to clear; {@code raiseAbove} (no hysteresis) by default. */
    public Builder clearBelow(double clearBelow) {
      this.clearBelow = clearBelow;
      return this;
    }

    /** How long a crossing must last, in sample time, before the alarm changes; zero by default. */
    public Builder minDuration(Duration minDuration) {
      if (minDuration.isNegative()) {
        throw new IllegalArgumentException("minDuration < 0: " + minDuration);
      }
      this.minDuration = minDuration;
      return this;
    }

    public Builder listener(AlarmListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    public ThresholdAlarm build() {
      if (Double.isNaN(raiseAbove)) {
        throw new IllegalArgumentException("alarm '" + name + "': raiseAbove not set");
      }
      if (Double.isNaN(clearBelow)) {
        clearBelow = raiseAbove;
      }
      if (clearBelow > raiseAbove) {
        throw new IllegalArgumentException("alarm '" + name + "': clearBelow > raiseAbove: " + clearBelow + " > "
            + raiseAbove);
      }
      return new ThresholdAlarm(this);
    }
  }
}
