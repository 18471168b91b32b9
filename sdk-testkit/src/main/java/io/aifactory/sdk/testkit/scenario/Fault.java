package io.aifactory.sdk.testkit.scenario;

import java.time.Duration;
import java.util.Objects;

/**
 * A fault a scenario injects into a simulated device at a time, through the
 * {@link io.aifactory.sdk.testkit.SimulatedServer} fault methods.
 */
public final class Fault {
  /** What goes wrong. */
  public enum Kind {
    /** Every client connection is closed once; the server keeps listening. */
    DROP_CONNECTIONS,
    /** The server reads requests but does not answer for the duration. */
    STALL,
    /** Every reply is delayed by {@link #delay()} for the duration. */
    DELAY_REPLIES,
    /** The server stops listening for the duration, then starts again on the same port. */
    OUTAGE
  }

  private final Kind kind;
  private final Duration at;
  private final Duration duration;
  private final Duration delay;

  private Fault(Kind kind, Duration at, Duration duration, Duration delay) {
    this.kind = kind;
    this.at = Objects.requireNonNull(at, "at");
    if (at.isNegative()) throw new IllegalArgumentException("at < 0: " + at);
    if (kind != Kind.DROP_CONNECTIONS) {
      Objects.requireNonNull(duration, "duration");
      if (duration.isNegative() || duration.isZero()) throw new IllegalArgumentException("duration <= 0: " + duration);
    }
    if (kind == Kind.DELAY_REPLIES) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative() || delay.isZero()) throw new IllegalArgumentException("delay <= 0: " + delay);
    }
    this.duration = duration;
    this.delay = delay;
  }

  public static Fault dropConnections(Duration at) {
    return new Fault(Kind.DROP_CONNECTIONS, at, null, null);
  }

  public static Fault stall(Duration at, Duration duration) {
    return new Fault(Kind.STALL, at, duration, null);
  }

  public static Fault delayReplies(Duration at, Duration duration, Duration delay) {
    return new Fault(Kind.DELAY_REPLIES, at, duration, delay);
  }

  public static Fault outage(Duration at, Duration duration) {
    return new Fault(Kind.OUTAGE, at, duration, null);
  }

  public Kind kind() {
    return kind;
  }

  /** Returns when the fault starts, from the start of the scenario. */
  public Duration at() {
    return at;
  }

  /** Returns how long it lasts; {@link Duration#ZERO} for {@link Kind#DROP_CONNECTIONS}, which is instantaneous. */
  public Duration duration() {
    return duration == null ? Duration.ZERO : duration;
  }

  /** Returns the reply delay of {@link Kind#DELAY_REPLIES}, or {@link Duration#ZERO}. */
  public Duration delay() {
    return delay == null ? Duration.ZERO : delay;
  }

  @Override
  public String toString() {
    return kind + " at " + at + (duration == null ? "" : " for " + duration) + (delay == null ? "" : " (delay " + delay + ")");
  }
}
