package io.aifactory.sdk.core;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a driver talks to a device: timeouts, reconnect backoff, the clock that stamps samples, and
 * driver-specific properties (e.g. {@code unit}, {@code maxRegisters}), which may also come from the URI's query;
 * a property set here wins over the URI.
 *
 * <p>A driver whose URI can also carry the request timeout (Modbus {@code timeout=}) refuses the two when
 * {@link #requestTimeout()} was set here and they disagree, rather than silently prefer one.
 */
public final class DeviceOptions {
  private static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(2);

  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final boolean requestTimeoutSet;
  private final ReconnectPolicy reconnectPolicy;
  private final Clock clock;
  private final Map<String, String> properties;

  private DeviceOptions(Builder b) {
    this.connectTimeout = b.connectTimeout;
    this.requestTimeout = b.requestTimeout != null ? b.requestTimeout : DEFAULT_REQUEST_TIMEOUT;
    this.requestTimeoutSet = b.requestTimeout != null;
    this.reconnectPolicy = b.reconnectPolicy;
    this.clock = b.clock;
    this.properties = Map.copyOf(b.properties);
  }

  /** Returns the defaults: 5 s to connect, 2 s per request, {@link ReconnectPolicy#defaults()}, the UTC clock. */
  public static DeviceOptions defaults() {
    return newBuilder().build();
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder().connectTimeout(connectTimeout).reconnectPolicy(reconnectPolicy).clock(clock);
    // A defaulted request timeout stays defaulted, so that the copy does not conflict with a URI's timeout.
    if (requestTimeoutSet) b.requestTimeout(requestTimeout);
    b.properties.putAll(properties);
    return b;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Returns how long one request may take before it fails with TIMEOUT. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** Returns true if {@link Builder#requestTimeout} was called, false if {@link #requestTimeout()} is the default. */
  public boolean isRequestTimeoutSet() {
    return requestTimeoutSet;
  }

  public ReconnectPolicy reconnectPolicy() {
    return reconnectPolicy;
  }

  /** Returns the clock that stamps receive times (and source times where the protocol has none). */
  public Clock clock() {
    return clock;
  }

  public Map<String, String> properties() {
    return properties;
  }

  /** Returns the property, or {@code defaultValue} if it is not set. */
  public String property(String key, String defaultValue) {
    return properties.getOrDefault(key, defaultValue);
  }

  /** Returns the current time of {@link #clock()} in nanoseconds since the epoch. */
  public long nowNanos() {
    java.time.Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  @Override
  public String toString() {
    return "DeviceOptions{connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
        + ", " + reconnectPolicy + ", properties=" + properties.keySet() + "}";
  }

  /** Builds {@link DeviceOptions}. */
  public static final class Builder {
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout;
    private ReconnectPolicy reconnectPolicy = ReconnectPolicy.defaults();
    private Clock clock = Clock.systemUTC();
    private final Map<String, String> properties = new LinkedHashMap<>();

    private Builder() {}

    public Builder connectTimeout(Duration connectTimeout) {
      if (connectTimeout.isNegative() || connectTimeout.isZero()) throw new IllegalArgumentException("connectTimeout <= 0: " + connectTimeout);
      this.connectTimeout = connectTimeout;
      return this;
    }

    public Builder requestTimeout(Duration requestTimeout) {
      if (requestTimeout.isNegative() || requestTimeout.isZero()) throw new IllegalArgumentException("requestTimeout <= 0: " + requestTimeout);
      this.requestTimeout = requestTimeout;
      return this;
    }

    public Builder reconnectPolicy(ReconnectPolicy reconnectPolicy) {
      this.reconnectPolicy = Objects.requireNonNull(reconnectPolicy, "reconnectPolicy");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder property(String key, String value) {
      properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value of " + key));
      return this;
    }

    public DeviceOptions build() {
      return new DeviceOptions(this);
    }
  }
}
