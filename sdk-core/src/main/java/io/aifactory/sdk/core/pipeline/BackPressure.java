package io.aifactory.sdk.core.pipeline;

/**
 * What a pipeline does with windows that become ready faster than its model scores them. Either way nothing is
 * lost silently: every window not scored is counted in {@link MachineMetrics#skippedWindows()}.
 */
public final class BackPressure {
  private static final BackPressure SKIP_STALE = new BackPressure(1);

  private final int bound;

  private BackPressure(int bound) {
    this.bound = bound;
  }

  /**
   * Scores only each machine's newest ready window; older ready windows that were not scored yet are skipped and
   * counted. The default: a model that falls behind works on the freshest data instead of a growing backlog.
   */
  public static BackPressure skipStale() {
    return SKIP_STALE;
  }

  /**
   * Keeps up to {@code bound} ready windows per machine and scores them in order; beyond that the oldest is
   * skipped and counted. The machine's window keeps enough rows that queued windows are not overwritten.
   */
  public static BackPressure queue(int bound) {
    if (bound < 1) {
      throw new IllegalArgumentException("bound < 1: " + bound);
    }
    return new BackPressure(bound);
  }

  /** Returns how many ready windows a machine may have waiting: 1 for {@link #skipStale()}. */
  public int bound() {
    return bound;
  }

  @Override
  public String toString() {
    return bound == 1 ? "skipStale" : "queue(" + bound + ")";
  }
}
