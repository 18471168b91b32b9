package io.aifactory.sdk.core;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A machine or controller reached over one protocol connection, opened with {@link Devices#open}.
 *
 * <p>A device connects in the background and reconnects by itself with the backoff of
 * {@link DeviceOptions#reconnectPolicy()}. Operations never block the caller and never hang: each completes
 * within the request timeout. A read always yields one row per tag; a tag that could not be read is a BAD row
 * with its reason (TIMEOUT, DISCONNECTED, DEVICE_ERROR…), never a missing or stale one. A read or write issued while
 * the device is still {@link ConnectionState#CONNECTING} waits for that connection, up to the connect timeout, and
 * only then answers BAD (DISCONNECTED) or fails; so the first read after {@link Devices#open} reaches a healthy device.
 * To know why a device does not connect, wait with {@link #whenConnected(Duration)} or look at {@link #lastError()}.
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

  /**
   * Returns a future completed the next time the device is CONNECTED (now, if it is), or failed with the reason it
   * is not: at once when the device is refused for good (a {@link DeviceException} such as a wrong password or an
   * untrusted server certificate, which retrying cannot cure until someone changes something), with a
   * {@link DeviceTimeoutException} whose cause is {@link #lastError()} when {@code timeout} passes first, or with a
   * {@link DeviceException} if the device closes. The device keeps trying to connect in the background either way.
   *
   * <pre>{@code
   * try {
   *   plc.whenConnected(Duration.ofSeconds(10)).join();
   * } catch (CompletionException e) {
   *   System.out.println("not connected: " + e.getCause().getMessage());
   * }
   * }</pre>
   *
   * <p>This default knows no permanent refusals; it waits for {@link #whenConnected()} until the timeout.
   */
  default CompletableFuture<Void> whenConnected(Duration timeout) {
    if (timeout.isNegative()) throw new IllegalArgumentException("timeout < 0: " + timeout);
    CompletableFuture<Void> result = new CompletableFuture<>();
    whenConnected().whenComplete((ok, error) -> {
      if (error == null) result.complete(null);
      else result.completeExceptionally(error);
    });
    CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .execute(() -> result.completeExceptionally(notConnectedWithin(timeout)));
    return result;
  }

  /**
   * Returns why the device is not connected: the last failed connection attempt or the loss of the connection, as
   * also given to {@link StateListener}s; empty while connected and before anything failed.
   */
  default Optional<Throwable> lastError() {
    return Optional.empty();
  }

  private DeviceTimeoutException notConnectedWithin(Duration timeout) {
    Throwable last = lastError().orElse(null);
    return new DeviceTimeoutException(uri() + " did not connect within " + timeout.toMillis() + " ms"
        + (last != null ? ": " + last.getMessage() : ""), last);
  }

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
