package io.aifactory.sdk.core.pipeline;

/**
 * Acts on a pipeline's results: raise an alarm, publish a value, propose a write to a {@link
 * io.aifactory.sdk.core.guard.WriteGuard}. Called on the pipeline's own thread, one result at a time, in window order
 * per machine; never on a device's thread. An exception is counted and reported, and the pipeline keeps running.
 */
@FunctionalInterface
public interface PipelineAction extends AutoCloseable {
  void onResult(MachineResult result);

  /** Called once when the pipeline closes, after the last result; release what the action holds. */
  @Override
  default void close() {}
}
