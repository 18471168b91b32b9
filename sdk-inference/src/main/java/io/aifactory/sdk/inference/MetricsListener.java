package io.aifactory.sdk.inference;

/**
 * Receives every run of a session as it completes, to feed Micrometer or another monitoring system.
 *
 * <p>Called on the thread that ran the model, after the outputs are written and after the run has let go of
 * the session, so a listener may close the session: keep it short and do not block. An exception thrown by a
 * listener is logged and otherwise ignored.
 */
public interface MetricsListener {
  /** A run completed. */
  void onRun(String model, ExecutionProvider provider, int batchSize, long latencyNanos);

  /** A run failed with {@code error}; the caller receives the same exception. */
  default void onFailure(String model, ExecutionProvider provider, RuntimeException error) {}
}
