package io.aifactory.sdk.core;

/**
 * What a driver counts about its traffic with one device, since the device was opened: a live view, read from any
 * thread, whose counters only grow. Meant for monitoring (a Micrometer binding reads it as function counters and a
 * function timer for any driver); a driver that does not count something answers 0.
 *
 * <pre>{@code
 * DeviceMetrics m = plc.metrics();
 * double meanPollMillis = m.polls() == 0 ? 0 : m.pollNanos() / 1e6 / m.polls();
 * }</pre>
 */
public interface DeviceMetrics {
  /** Metrics of a driver that counts nothing: every counter is 0. */
  DeviceMetrics NONE = new DeviceMetrics() {};

  /** Returns how many requests were sent to the device. */
  default long requests() {
    return 0;
  }

  /**
   * Returns how many requests the device refused with its protocol's error reply (a Modbus exception response, an
   * OPC UA service fault or a write answered with a bad status).
   */
  default long exceptionReplies() {
    return 0;
  }

  /** Returns how many requests got no reply within the request timeout. */
  default long timeouts() {
    return 0;
  }

  /** Returns how many times the connection was re-established after it had been lost (the first connect is not one). */
  default long reconnects() {
    return 0;
  }

  /** Returns how many read cycles (a {@link Device#read}, or one poll of a subscription) completed. */
  default long polls() {
    return 0;
  }

  /** Returns the total time the {@link #polls()} took, first request to last reply, in nanoseconds. */
  default long pollNanos() {
    return 0;
  }

  /** Returns how many due polls of subscriptions could not run because the previous one was still running. */
  default long missedPolls() {
    return 0;
  }
}
