package io.aifactory.sdk.core.pipeline;

import java.time.Duration;

/**
 * Counters of one machine of a pipeline (or of the whole pipeline, summed), as a snapshot. Immutable.
 *
 * <p>Every window that became ready is either scored ({@link #inferences()}) or skipped ({@link #skippedWindows()}:
 * back-pressure, or its rows were overwritten before the model got to them); {@link #staleResults()} counts the
 * BAD results sent when the machine's data went missing for longer than the window's policy allows.
 */
public final class MachineMetrics {
  private final String name;
  private final long rows;
  private final long windows;
  private final long inferences;
  private final long skippedWindows;
  private final long staleResults;
  private final long modelErrors;
  private final long actions;
  private final long actionErrors;
  private final long latencyP50Nanos;
  private final long latencyP99Nanos;
  private final long latencyMaxNanos;

  MachineMetrics(String name, long rows, long windows, long inferences, long skippedWindows, long staleResults,
      long modelErrors, long actions, long actionErrors, long latencyP50Nanos, long latencyP99Nanos,
      long latencyMaxNanos) {
    this.name = name;
    this.rows = rows;
    this.windows = windows;
    this.inferences = inferences;
    this.skippedWindows = skippedWindows;
    this.staleResults = staleResults;
    this.modelErrors = modelErrors;
    this.actions = actions;
    this.actionErrors = actionErrors;
    this.latencyP50Nanos = latencyP50Nanos;
    this.latencyP99Nanos = latencyP99Nanos;
    this.latencyMaxNanos = latencyMaxNanos;
  }

  /** Returns the machine's name, or the pipeline's for the pipeline's totals. */
  public String name() {
    return name;
  }

  /** Returns the rows appended to the window: one per poll or subscription delivery, BAD ones included. */
  public long rows() {
    return rows;
  }

  /** Returns the windows that became ready (full, valid, and {@code hop} rows after the last one). */
  public long windows() {
    return windows;
  }

  /** Returns the windows the model scored (in batches: see {@link PipelineMetrics#modelCalls()}). */
  public long inferences() {
    return inferences;
  }

  public long skippedWindows() {
    return skippedWindows;
  }

  public long staleResults() {
    return staleResults;
  }

  /** Returns the windows whose model call threw. */
  public long modelErrors() {
    return modelErrors;
  }

  /** Returns the results handed to actions (one per action and result). */
  public long actions() {
    return actions;
  }

  public long actionErrors() {
    return actionErrors;
  }

  /**
   * Returns the median time from receiving the samples that completed a window to the end of the last action on
   * its result.
   */
  public Duration latencyP50() {
    return Duration.ofNanos(latencyP50Nanos);
  }

  public Duration latencyP99() {
    return Duration.ofNanos(latencyP99Nanos);
  }

  public Duration latencyMax() {
    return Duration.ofNanos(latencyMaxNanos);
  }

  @Override
  public String toString() {
    return name + "[rows=" + rows + " windows=" + windows + " inferences=" + inferences + " skipped=" + skippedWindows
        + " stale=" + staleResults + " modelErrors=" + modelErrors + " actions=" + actions + " actionErrors="
        + actionErrors + " latency p50=" + latencyP50Nanos / 1000 + "us p99=" + latencyP99Nanos / 1000 + "us max="
        + latencyMaxNanos / 1000 + "us]";
  }
}
