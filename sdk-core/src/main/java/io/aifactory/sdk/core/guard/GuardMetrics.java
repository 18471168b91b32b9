package io.aifactory.sdk.core.guard;

/** How many decisions of each outcome a {@link WriteGuard} has made since it was built: a snapshot, immutable. */
public final class GuardMetrics {
  private final long accepted;
  private final long clamped;
  private final long blocked;
  private final long fallbacks;
  private final long backoffs;
  private final long failed;

  GuardMetrics(long accepted, long clamped, long blocked, long fallbacks, long backoffs, long failed) {
    this.accepted = accepted;
    this.clamped = clamped;
    this.blocked = blocked;
    this.fallbacks = fallbacks;
    this.backoffs = backoffs;
    this.failed = failed;
  }

  /** Returns the number of ACCEPTED decisions (in SHADOW mode: proposals that would have been written unchanged). */
  public long accepted() {
    return accepted;
  }

  public long clamped() {
    return clamped;
  }

  /** Returns the number of BLOCKED decisions, superseded proposals and proposals refused at close included. */
  public long blocked() {
    return blocked;
  }

  public long fallbacks() {
    return fallbacks;
  }

  public long backoffs() {
    return backoffs;
  }

  public long failed() {
    return failed;
  }

  /** Returns the number of decisions of every outcome. */
  public long decisions() {
    return accepted + clamped + blocked + fallbacks + backoffs + failed;
  }

  @Override
  public String toString() {
    return "GuardMetrics{accepted=" + accepted + ", clamped=" + clamped + ", blocked=" + blocked + ", fallbacks="
        + fallbacks + ", backoffs=" + backoffs + ", failed=" + failed + "}";
  }
}
