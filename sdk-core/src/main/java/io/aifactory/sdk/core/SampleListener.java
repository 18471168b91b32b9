package io.aifactory.sdk.core;

/**
 * Receives the batches of a {@link Subscription}, on the device's own thread: return quickly, or hand the batch
 * to another thread. A missed poll or a lost connection arrives as a batch of BAD samples, never as silence.
 */
@FunctionalInterface
public interface SampleListener {
  void onSamples(SampleBatch batch);
}
