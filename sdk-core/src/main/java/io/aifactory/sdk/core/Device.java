package io.aifactory.sdk.core;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A machine or controller reached over one protocol connection, opened with {@link Devices#open}.
 *
 * <p>A device connects in the background and reconnects by itself with the backoff of
 * {@link DeviceOptions#reconnectPolicy()}. Operations never block the caller and never hang: each completes
 * within the request timeout. A read always yields one row per tag; a tag that could not be read is a BAD row
 * with its reason (TIMEOUT, DISCONNECTED, DEVICE_ERROR…), never a missing or stale one.
 *
 * <pre>{@code
 * try (Device plc = Devices.open("modbus+tcp://10.0.0.5:502?unit=1")) {
 *   SampleBatch batch = plc.read(List.of(temperature, pressure)).join();
 *   if (batch.isGood(0)) System.out.println(batch.doubleValue(0));
 * }
 * }</pre>
 */
public interface Device extends AutoCloseable {
  /** Returns the URI the device was opened with (credentials removed). */
  URI uri();

  /**
   * Reads the tags once.
   *
   * @return a batch with one row per tag, in order. The future fails only for misuse: an {@link AddressException}
   *     for a tag this driver cannot address, a {@link DeviceException} once the device is closed.
   */
  CompletableFuture<SampleBatch> read(List<Tag> tags);

  /**
   * Writes one value in engineering units (scale and offset are reversed before it is sent).
   *
   * @param value a {@code Number}, {@code Boolean}, {@code String}, or a primitive array matching the tag's type
   * @return a future that fails with a {@link DeviceException} (or a subclass) naming the tag if the device did not
   *     take the value
   */
  CompletableFuture<Void> write(Tag tag, Object value);

  /**
   * Delivers the tags' values to {@code listener} at the options' rate until the subscription is closed, across
   * reconnects.
   *
   * @throws AddressException for a tag this driver cannot address
   */
  Subscription subscribe(List<Tag> tags, SubscriptionOptions options, SampleListener listener);

  ConnectionState state();

  /** Returns a future completed the next time the device is CONNECTED (now, if it is); it fails if the device closes. */
  CompletableFuture<Void> whenConnected();

  void addStateListener(StateListener listener);

  void removeStateListener(StateListener listener);

  /** Closes subscriptions and the connection; pending operations fail. Idempotent. */
  @Override
  void close();

  /** Returns the device's traffic counters, live; {@link DeviceMetrics#NONE} for a driver that keeps none. */
  default DeviceMetrics metrics() {
    return DeviceMetrics.NONE;
  }
}
