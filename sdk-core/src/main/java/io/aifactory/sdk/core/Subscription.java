package io.aifactory.sdk.core;

import java.util.List;

/** A standing request for a set of tags' values; closing it stops delivery. Survives reconnects by itself. */
public interface Subscription extends AutoCloseable {
  List<Tag> tags();

  SubscriptionOptions options();

  /** Returns how many sampling periods were skipped because the previous one was still running. */
  long overruns();

  /** Stops delivery; idempotent. */
  @Override
  void close();
}
