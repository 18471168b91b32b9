package io.aifactory.sdk.core.record;

import java.util.concurrent.atomic.AtomicLong;

/** The live counters behind {@link RecorderMetrics}: callers count what they offer, the writer what it writes. */
final class Counters {
  final AtomicLong accepted = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong recorded = new AtomicLong();
  final AtomicLong lost = new AtomicLong();
  final AtomicLong writeErrors = new AtomicLong();
  final AtomicLong filesCompleted = new AtomicLong();
  final AtomicLong filesDeleted = new AtomicLong();

  RecorderMetrics snapshot(String recorder) {
    // Read the writer's counts before accepted, so queued can only be overstated for an instant, never negative.
    long recorded = this.recorded.get();
    long lost = this.lost.get();
    long accepted = this.accepted.get();
    return new RecorderMetrics(recorder, accepted, refused.get(), recorded, Math.max(0, accepted - recorded - lost),
        lost, writeErrors.get(), filesCompleted.get(), filesDeleted.get());
  }
}
