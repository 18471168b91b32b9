package io.aifactory.sdk.testkit.scenario;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A named, labelled moment of a scenario, such as {@code spindle2.bearingFault} from 120 s: what a model should
 * detect and when, so that tests and data sets need not hard-code the scenario's timeline.
 */
public final class ScenarioEvent {
  private final String name;
  private final String description;
  private final Duration at;
  private final Duration duration;

  /**
   * @param duration how long it lasts, or {@code null} for until the end of the scenario
   * @throws IllegalArgumentException if the name is empty, {@code at} is negative or {@code duration} is not positive
   */
  public ScenarioEvent(String name, String description, Duration at, Duration duration) {
    this.name = Objects.requireNonNull(name, "name");
    if (name.isBlank()) throw new IllegalArgumentException("event name is empty");
    this.description = Objects.requireNonNull(description, "description");
    this.at = Objects.requireNonNull(at, "at");
    if (at.isNegative()) throw new IllegalArgumentException("at < 0: " + at);
    if (duration != null && (duration.isNegative() || duration.isZero())) throw new IllegalArgumentException("duration <= 0: " + duration);
    this.duration = duration;
  }

  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  /** Returns when the event starts, from the start of the scenario. */
  public Duration at() {
    return at;
  }

  /** Returns how long it lasts; empty if it lasts until the end. */
  public Optional<Duration> duration() {
    return Optional.ofNullable(duration);
  }

  /** Returns true if the event is under way {@code elapsed} after the start of the scenario. */
  public boolean isActiveAt(Duration elapsed) {
    return elapsed.compareTo(at) >= 0 && (duration == null || elapsed.compareTo(at.plus(duration)) < 0);
  }

  @Override
  public String toString() {
    return name + " at " + at + (duration == null ? "" : " for " + duration);
  }
}
