package io.aifactory.sdk.modbus.internal;

import java.util.concurrent.TimeUnit;

/**
 * Tells, from the timing of pipelined windows, whether the device holds back every reply after the first until it
 * gets our ACK: a TCP stack with Nagle's algorithm on (j2mod's slave, many embedded stacks) sends a small segment only
 * when the previous one is acknowledged, and we, having nothing more to send, acknowledge late (delayed ACK: about
 * 40 ms on Linux, up to 200 ms elsewhere). Pipelining then costs one delayed ACK per window, far more than the
 * round trips it saves. Java cannot make our side acknowledge at once on every platform, so the device falls back to
 * sequential requests, where each request carries the ACK of the previous reply.
 *
 * <p>A window stalled when the replies after the first took more than {@link #FLOOR_NANOS} and more than
 * {@link #RATIO} times what the first reply took per remaining request: a device that merely works through queued
 * requests one by one answers the rest at about the pace of the first. A score rises with each stalled window and
 * falls with each quick one, so a thread descheduled on a loaded machine now and then does not turn pipelining off,
 * while a device that stalls most windows does, after {@link #THRESHOLD} more stalled than quick windows.
 */
final class PipelineStallDetector {
  static final long FLOOR_NANOS = TimeUnit.MILLISECONDS.toNanos(15);
  static final int RATIO = 4;
  static final int THRESHOLD = 3;

  private int score;

  /**
   * Records one window of {@code n} requests sent from {@code sentNanos}, whose first reply was read at
   * {@code firstNanos} and last at {@code lastNanos}; returns true once pipelining should be turned off.
   */
  boolean window(int n, long sentNanos, long firstNanos, long lastNanos) {
    if (n < 2) return score >= THRESHOLD;
    long first = Math.max(0, firstNanos - sentNanos);
    long rest = lastNanos - firstNanos;
    boolean stalled = rest > FLOOR_NANOS && rest > (long) RATIO * (n - 1) * first;
    score = stalled ? score + 1 : Math.max(0, score - 1);
    return score >= THRESHOLD;
  }
}
