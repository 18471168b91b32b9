package io.aifactory.sdk.core.pipeline;

import java.util.List;

/**
 * Hears what goes wrong in a pipeline, and its counters at a fixed interval; called on the pipeline's thread
 * (return quickly). A listener that throws is logged and does not stop the pipeline.
 */
public interface PipelineListener {
  /** The model threw while scoring {@code machines}; each of them got a BAD result. */
  default void onModelError(Pipeline pipeline, List<String> machines, RuntimeException error) {}

  /** {@code action} threw on {@code result}; the other actions still got it. */
  default void onActionError(Pipeline pipeline, MachineResult result, RuntimeException error) {}

  /** The pipeline's counters, every {@link Pipeline.Builder#metricsInterval}. */
  default void onMetrics(PipelineMetrics metrics) {}
}
