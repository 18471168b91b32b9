package io.aifactory.sdk.core;

import java.util.List;

/** A standing request for a set of tags' values; closing it stops delivery. Survives reconnects by itself. */
public interface Subscription extends AutoCloseable {
  List<Tag> tags();

  SubscriptionOptions options();

  /**
   * Returns how many sampling periods were not sampled because the previous one was still running (polling drivers
   * still deliver a BAD row for each, see {@link SampleBatch#pollSequence()}).
   */
  long overruns();

  /** Stops delivery; idempotent. */
  @Override
  void close();
}
