package io.aifactory.sdk.core;

/**
 * Receives the batches of a {@link Subscription}, one at a time, on a thread the device owns (never while it holds
 * a lock, so calling the device from here is safe): return quickly, or hand the batch to another thread. A missed
 * poll or a lost connection arrives as a batch of BAD samples, never as silence. An overrun (a sampling period
 * skipped because the previous one was still running) is not a missed poll: the running poll reads later than the
 * skipped one was due and delivers its answer, and {@link Subscription#overruns()} counts it.
 */
@FunctionalInterface
public interface SampleListener {
  void onSamples(SampleBatch batch);
}
