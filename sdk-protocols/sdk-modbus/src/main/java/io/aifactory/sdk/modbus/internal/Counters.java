package io.aifactory.sdk.modbus.internal;

import io.aifactory.sdk.modbus.ModbusMetrics;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * A device's counters: written by its I/O thread (plain atomics, one writer), read by anyone through
 * {@link ModbusMetrics}. Missed polls and the pipeline depth are asked of the device when read.
 */
final class Counters implements ModbusMetrics {
  final AtomicLong requests = new AtomicLong();
  final AtomicLong exceptionReplies = new AtomicLong();
  final AtomicLong timeouts = new AtomicLong();
  final AtomicLong reconnects = new AtomicLong();
  final AtomicLong polls = new AtomicLong();
  final AtomicLong pollNanos = new AtomicLong();
  volatile int planRequests;
  private final LongSupplier missedPolls;
  private final IntSupplier pipelineDepth;

  Counters(LongSupplier missedPolls, IntSupplier pipelineDepth) {
    this.missedPolls = missedPolls;
    this.pipelineDepth = pipelineDepth;
  }

  /** Counts one completed read cycle of {@code plan} that began at {@code startNanos} ({@link System#nanoTime()}). */
  void poll(ReadPlan plan, long startNanos) {
    pollNanos.addAndGet(System.nanoTime() - startNanos);
    polls.incrementAndGet();
    planRequests = plan.requestCount();
  }

  @Override
  public long requests() {
    return requests.get();
  }

  @Override
  public long exceptionReplies() {
    return exceptionReplies.get();
  }

  @Override
  public long timeouts() {
    return timeouts.get();
  }

  @Override
  public long reconnects() {
    return reconnects.get();
  }

  @Override
  public long polls() {
    return polls.get();
  }

  @Override
  public long pollNanos() {
    return pollNanos.get();
  }

  @Override
  public long missedPolls() {
    return missedPolls.getAsLong();
  }

  @Override
  public int planRequests() {
    return planRequests;
  }

  @Override
  public int pipelineDepth() {
    return pipelineDepth.getAsInt();
  }

  @Override
  public String toString() {
    return "ModbusMetrics{requests=" + requests() + ", exceptionReplies=" + exceptionReplies() + ", timeouts=" + timeouts()
        + ", reconnects=" + reconnects() + ", polls=" + polls() + ", pollNanos=" + pollNanos() + ", missedPolls="
        + missedPolls() + ", planRequests=" + planRequests + ", pipelineDepth=" + pipelineDepth() + "}";
  }
}
