package io.aifactory.sdk.testkit.scenario;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A stretch of simulation time during which a responding tag's process value was outside its {@link Response}
 * limits: the plant's own record that something (typically a write) drove it where it must not go. Times are
 * simulation times since the scenario started.
 */
public final class LimitViolation {
  private final String device;
  private final String tag;
  private final double limit;
  private final boolean belowMin;
  private final Duration start;
  private final Duration end;
  private final double extreme;

  /**
   * @param end null while the value is still outside the limits
   * @param extreme the value furthest beyond the limit during the stretch
   */
  public LimitViolation(String device, String tag, double limit, boolean belowMin, Duration start, Duration end, double extreme) {
    this.device = Objects.requireNonNull(device, "device");
    this.tag = Objects.requireNonNull(tag, "tag");
    this.limit = limit;
    this.belowMin = belowMin;
    this.start = Objects.requireNonNull(start, "start");
    this.end = end;
    this.extreme = extreme;
  }

  public String device() {
    return device;
  }

  public String tag() {
    return tag;
  }

  /** Returns the limit that was crossed. */
  public double limit() {
    return limit;
  }

  /** Returns true if the value fell below the minimum, false if it rose above the maximum. */
  public boolean belowMin() {
    return belowMin;
  }

  public Duration start() {
    return start;
  }

  /** Returns when the value came back within its limits; empty while it is still outside. */
  public Optional<Duration> end() {
    return Optional.ofNullable(end);
  }

  /** Returns the value furthest beyond the limit. */
  public double extreme() {
    return extreme;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s/%s %s %s from %.1f s%s (extreme %s)", device, tag,
        belowMin ? "below min" : "above max", fmt(limit), start.toMillis() / 1000.0,
        end == null ? ", ongoing" : String.format(Locale.ROOT, " to %.1f s", end.toMillis() / 1000.0), fmt(extreme));
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
