package io.aifactory.sdk.core.guard;

import java.util.Objects;

/**
 * A change of a guarded value that the SDK did not make: an operator at the HMI, or another system. The
 * know-how a recorder keeps as training data. Immutable.
 */
public final class OperatorAction {
  private final String device;
  private final String tag;
  private final double expected;
  private final double found;
  private final long timeNanos;

  public OperatorAction(String device, String tag, double expected, double found, long timeNanos) {
    this.device = Objects.requireNonNull(device, "device");
    this.tag = Objects.requireNonNull(tag, "tag");
    this.expected = expected;
    this.found = found;
    this.timeNanos = timeNanos;
  }

  /** Returns the device's URI, as a string. */
  public String device() {
    return device;
  }

  public String tag() {
    return tag;
  }

  /** Returns the value the SDK last wrote or saw. */
  public double expected() {
    return expected;
  }

  /** Returns the value found on the device instead. */
  public double found() {
    return found;
  }

  /** Returns when the change was noticed, in nanoseconds since the epoch. */
  public long timeNanos() {
    return timeNanos;
  }

  @Override
  public String toString() {
    return "operator changed " + tag + " on " + device + ": " + expected + " -> " + found;
  }
}
