package io.aifactory.sdk.testkit.signal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that moves only when told to, so tests need no sleeps: simulation time starts at zero at
 * {@link #origin()} and is advanced by hand (or by a scenario runner in real time). Thread-safe.
 */
public final class SimulationClock extends Clock {
  private final Instant origin;
  private final ZoneId zone;
  private final AtomicLong elapsedNanos;

  private SimulationClock(Instant origin, ZoneId zone, AtomicLong elapsedNanos) {
    this.origin = origin;
    this.zone = zone;
    this.elapsedNanos = elapsedNanos;
  }

  /** Returns a clock at elapsed zero whose {@link #instant()} starts at {@code origin}. */
  public static SimulationClock startingAt(Instant origin) {
    return new SimulationClock(Objects.requireNonNull(origin, "origin"), ZoneOffset.UTC, new AtomicLong());
  }

  /** Returns a clock starting at 2026-01-01T00:00:00Z, the same on every run. */
  public static SimulationClock create() {
    return startingAt(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** Returns the instant simulation time zero corresponds to. */
  public Instant origin() {
    return origin;
  }

  /** Returns the simulation time since the start. */
  public Duration elapsed() {
    return Duration.ofNanos(elapsedNanos.get());
  }

  /** Returns the simulation time since the start, in nanoseconds. */
  public long elapsedNanos() {
    return elapsedNanos.get();
  }

  /**
   * Moves the clock forwards and returns the new elapsed time in nanoseconds.
   *
   * @throws IllegalArgumentException if {@code amount} is negative
   */
  public long advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) throw new IllegalArgumentException("amount < 0: " + amount);
    return elapsedNanos.addAndGet(amount.toNanos());
  }

  /**
   * Moves the clock forwards to {@code elapsedNanos} since the start; never backwards.
   *
   * @throws IllegalArgumentException if that is before the current time
   */
  public void advanceTo(long elapsedNanos) {
    long now = this.elapsedNanos.get();
    if (elapsedNanos < now) throw new IllegalArgumentException("elapsedNanos < now: " + elapsedNanos + " < " + now);
    this.elapsedNanos.accumulateAndGet(elapsedNanos, Math::max);
  }

  @Override
  public Instant instant() {
    return origin.plusNanos(elapsedNanos.get());
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** Returns a view of this clock in another zone; it shares the elapsed time. */
  @Override
  public Clock withZone(ZoneId zone) {
    return new SimulationClock(origin, Objects.requireNonNull(zone, "zone"), elapsedNanos);
  }

  @Override
  public String toString() {
    return "SimulationClock{elapsed " + elapsed() + " since " + origin + "}";
  }
}
