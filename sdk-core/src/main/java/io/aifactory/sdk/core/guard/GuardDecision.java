package io.aifactory.sdk.core.guard;

import java.util.Objects;

/**
 * One decision of a {@link WriteGuard}, the audit record of a proposed write: what was proposed, what was written
 * (if anything), the device's value before and after, and why. Immutable.
 *
 * <p>{@link #written()} is NaN unless a value was written <em>and</em> the device confirmed it; a failed or
 * unverified write is {@link Outcome#FAILED}, never reported as done. In SHADOW mode nothing is written: the
 * decision says what LIVE mode would have written in {@link #decided()}.
 */
public final class GuardDecision {
  /** What the guard did with a proposal, or on its own (fallback, back-off). */
  public enum Outcome {
    /** The proposed value passed every check unchanged. */
    ACCEPTED,
    /** The value was changed to satisfy a limit (range, step or rate) and then passed. */
    CLAMPED,
    /** The proposal was refused: out of range (with reject), too soon after the last write, or no current value. */
    BLOCKED,
    /** No fresh inference within the dead-man time, or the source turned BAD: the safe value was applied or held. */
    FALLBACK,
    /** Someone else changed the value on the device (an operator): the guard stands back for a while. */
    BACKED_OFF,
    /** The write was attempted and the device refused it, or reading back did not show the value. */
    FAILED
  }

  private final String guard;
  private final String tag;
  private final Outcome outcome;
  private final GuardMode mode;
  private final double proposed;
  private final double decided;
  private final double written;
  private final double before;
  private final double after;
  private final String reason;
  private final long timeNanos;

  public GuardDecision(String guard, String tag, Outcome outcome, GuardMode mode, double proposed, double decided,
      double written, double before, double after, String reason, long timeNanos) {
    this.guard = Objects.requireNonNull(guard, "guard");
    this.tag = Objects.requireNonNull(tag, "tag");
    this.outcome = Objects.requireNonNull(outcome, "outcome");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.proposed = proposed;
    this.decided = decided;
    this.written = written;
    this.before = before;
    this.after = after;
    this.reason = Objects.requireNonNull(reason, "reason");
    this.timeNanos = timeNanos;
  }

  /** Returns the guard's name. */
  public String guard() {
    return guard;
  }

  /** Returns the name of the guarded tag. */
  public String tag() {
    return tag;
  }

  public Outcome outcome() {
    return outcome;
  }

  /** Returns the mode the guard was in when it decided. */
  public GuardMode mode() {
    return mode;
  }

  /** Returns the value the model proposed; NaN for a fallback or back-off that no proposal caused. */
  public double proposed() {
    return proposed;
  }

  /** Returns the value the checks let through (after clamping); NaN if blocked or holding. */
  public double decided() {
    return decided;
  }

  /** Returns the value written and confirmed on the device; NaN if nothing was written. */
  public double written() {
    return written;
  }

  /** Returns true if a value was written and confirmed. */
  public boolean wrote() {
    return !Double.isNaN(written);
  }

  /** Returns the device's value read before deciding; NaN if it could not be read. */
  public double before() {
    return before;
  }

  /** Returns the device's value read after writing (the value before, when nothing was written). */
  public double after() {
    return after;
  }

  /** Returns why, in words: e.g. {@code step 25.0 > maxStep 10.0, clamped to 10.0}. */
  public String reason() {
    return reason;
  }

  /** Returns when the decision was made, in nanoseconds since the epoch. */
  public long timeNanos() {
    return timeNanos;
  }

  @Override
  public String toString() {
    return guard + " " + tag + " " + outcome + " (" + mode + ") proposed=" + proposed + " decided=" + decided
        + " written=" + written + " before=" + before + " after=" + after + ": " + reason;
  }
}
