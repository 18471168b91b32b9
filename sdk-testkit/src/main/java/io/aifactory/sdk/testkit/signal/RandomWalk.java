package io.aifactory.sdk.testkit.signal;

/** A seeded random walk in fixed steps; see {@link Signals#randomWalk}. */
final class RandomWalk implements Signal {
  private final long seed;
  private final double start;
  private final double stepStdDev;
  private final long stepNanos;
  private final double min;
  private final double max;

  // A cursor so that evaluating forwards in time costs one increment per step; guarded by this.
  private long cursorStep;
  private double cursorValue;

  RandomWalk(long seed, double start, double stepStdDev, long stepNanos, double min, double max) {
    if (!(stepStdDev >= 0) || Double.isInfinite(stepStdDev)) throw new IllegalArgumentException("stepStdDev is not a finite number >= 0: " + stepStdDev);
    if (min > max) throw new IllegalArgumentException("min > max: " + min + " > " + max);
    if (start < min || start > max) throw new IllegalArgumentException("start not in [min, max]: " + start);
    this.seed = seed;
    this.start = start;
    this.stepStdDev = stepStdDev;
    this.stepNanos = stepNanos;
    this.min = min;
    this.max = max;
    this.cursorValue = start;
  }

  @Override
  public synchronized double valueAt(long nanos) {
    long step = Math.max(0, Math.floorDiv(nanos, stepNanos));
    if (step < cursorStep) {
      cursorStep = 0;
      cursorValue = start;
    }
    while (cursorStep < step) {
      double next = cursorValue + stepStdDev * Randomness.gaussian(seed, cursorStep);
      cursorValue = Math.min(max, Math.max(min, next));
      cursorStep++;
    }
    return cursorValue;
  }
}
