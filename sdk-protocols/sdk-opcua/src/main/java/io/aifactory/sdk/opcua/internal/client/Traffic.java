package io.aifactory.sdk.opcua.internal.client;

import io.aifactory.sdk.core.DeviceMetrics;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.opcua.internal.StatusMapping;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.milo.opcua.stack.core.UaException;

/**
 * What one OPC UA device counts: the read, write and browse services it called, the server's service faults and
 * refused writes, requests that timed out, sessions re-established after a loss, and read cycles with their time.
 * Counters are adders: several Milo threads complete requests at once, and readers only want a sum.
 */
final class Traffic implements DeviceMetrics {
  private final LongAdder requests = new LongAdder();
  private final LongAdder faults = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final LongAdder reconnects = new LongAdder();
  private final LongAdder polls = new LongAdder();
  private final LongAdder pollNanos = new LongAdder();
  private final AtomicBoolean connectedBefore = new AtomicBoolean();

  /** A service request goes out. */
  void request() {
    requests.increment();
  }

  /**
   * A request failed: a timeout (ours or Milo's), a service fault of the server (counted as a refusal), or a lost
   * connection (neither).
   */
  void failed(Throwable cause) {
    if (cause instanceof TimeoutException) {
      timeouts.increment();
      return;
    }
    UaException ua = MiloDevice.findUaException(cause);
    if (ua == null) return;
    Quality.Reason reason = StatusMapping.reason(ua.getStatusCode().getValue());
    if (reason == Quality.Reason.TIMEOUT) timeouts.increment();
    else if (reason != Quality.Reason.DISCONNECTED) faults.increment();
  }

  /** The server answered a write with a bad status. */
  void refused() {
    faults.increment();
  }

  /** A read cycle completed, well or not, {@code nanos} after its request went out. */
  void polled(long nanos) {
    polls.increment();
    pollNanos.add(nanos);
  }

  /** A session became active; every one after the first is a reconnect. */
  void connected() {
    if (connectedBefore.getAndSet(true)) reconnects.increment();
  }

  @Override
  public long requests() {
    return requests.sum();
  }

  @Override
  public long exceptionReplies() {
    return faults.sum();
  }

  @Override
  public long timeouts() {
    return timeouts.sum();
  }

  @Override
  public long reconnects() {
    return reconnects.sum();
  }

  @Override
  public long polls() {
    return polls.sum();
  }

  @Override
  public long pollNanos() {
    return pollNanos.sum();
  }

  @Override
  public String toString() {
    return "requests=" + requests() + ", faults=" + exceptionReplies() + ", timeouts=" + timeouts() + ", reconnects="
        + reconnects() + ", polls=" + polls();
  }
}
