package io.aifactory.sdk.inference;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A snapshot of a session's counters: runs, failures, latency percentiles, the distribution of batch sizes,
 * and the active execution provider. Latencies come from a log-linear histogram, accurate to about 6%.
 * Immutable.
 */
public final class SessionMetrics {
  private final String model;
  private final ExecutionProvider activeProvider;
  private final long runs;
  private final long failures;
  private final long p50Nanos;
  private final long p99Nanos;
  private final long maxNanos;
  private final Map<Integer, Long> batchSizes;

  public SessionMetrics(String model, ExecutionProvider activeProvider, long runs, long failures, long p50Nanos,
      long p99Nanos, long maxNanos, Map<Integer, Long> batchSizes) {
    this.model = Objects.requireNonNull(model, "model");
    this.activeProvider = Objects.requireNonNull(activeProvider, "activeProvider");
    this.runs = runs;
    this.failures = failures;
    this.p50Nanos = p50Nanos;
    this.p99Nanos = p99Nanos;
    this.maxNanos = maxNanos;
    this.batchSizes = Map.copyOf(batchSizes);
  }

  /** Returns the model's source name. */
  public String model() {
    return model;
  }

  public ExecutionProvider activeProvider() {
    return activeProvider;
  }

  /** Returns the number of runs that completed, not counting failures. */
  public long runs() {
    return runs;
  }

  /** Returns the number of runs that threw. */
  public long failures() {
    return failures;
  }

  /** Returns the median run latency in nanoseconds, or 0 before the first run. */
  public long p50Nanos() {
    return p50Nanos;
  }

  /** Returns the 99th percentile run latency in nanoseconds, or 0 before the first run. */
  public long p99Nanos() {
    return p99Nanos;
  }

  public long maxNanos() {
    return maxNanos;
  }

  /** Returns how many successful runs had each batch size (the first dimension of the inputs). */
  public Map<Integer, Long> batchSizes() {
    return batchSizes;
  }

  @Override
  public String toString() {
    return "SessionMetrics{model=" + model + ", provider=" + activeProvider + ", runs=" + runs + ", failures="
        + failures + ", p50=" + p50Nanos / 1000 + "us, p99=" + p99Nanos / 1000 + "us, batchSizes="
        + new TreeMap<>(batchSizes) + "}";
  }
}
