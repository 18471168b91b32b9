package io.aifactory.sdk.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and on what condition a {@link Subscription} delivers values. Terms follow OPC UA: the
 * SamplingInterval is how often the device is looked at (the poll period for Modbus), the PublishingInterval how
 * often values are sent (OPC UA only; defaults to the sampling interval).
 */
public final class SubscriptionOptions {
  /** How a tag's {@link Tag#deadband()} is read. */
  public enum DeadbandType {
    /** A change smaller than the deadband, in engineering units, is not reported. */
    ABSOLUTE,
    /** The deadband is a percentage of the variable's EURange (OPC UA servers that support it). */
    PERCENT
  }

  private final Duration samplingInterval;
  private final Duration publishingInterval;
  /** Null when not set, so that a copy made with {@link #toBuilder()} keeps following the sampling interval. */
  private final Duration explicitPublishingInterval;
  private final Duration heartbeat;
  private final int queueSize;
  private final DeadbandType deadbandType;

  private SubscriptionOptions(Builder b) {
    this.samplingInterval = b.samplingInterval;
    this.explicitPublishingInterval = b.publishingInterval;
    this.publishingInterval = b.publishingInterval != null ? b.publishingInterval : b.samplingInterval;
    this.heartbeat = b.heartbeat;
    this.queueSize = b.queueSize;
    this.deadbandType = b.deadbandType;
  }

  /** Returns options sampling every {@code samplingInterval}, with every other setting at its default. */
  public static SubscriptionOptions every(Duration samplingInterval) {
    return newBuilder().samplingInterval(samplingInterval).build();
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns a builder with these settings; a publishing interval that was not set keeps following the sampling interval. */
  public Builder toBuilder() {
    Builder b = new Builder().samplingInterval(samplingInterval).heartbeat(heartbeat).queueSize(queueSize)
        .deadbandType(deadbandType);
    b.publishingInterval = explicitPublishingInterval;
    return b;
  }

  public Duration samplingInterval() {
    return samplingInterval;
  }

  public Duration publishingInterval() {
    return publishingInterval;
  }

  /** Returns how often an unchanged value is reported anyway (despite the deadband); zero means never. */
  public Duration heartbeat() {
    return heartbeat;
  }

  /** Returns how many values per monitored item the server may queue between publishes (OPC UA). */
  public int queueSize() {
    return queueSize;
  }

  public DeadbandType deadbandType() {
    return deadbandType;
  }

  @Override
  public String toString() {
    return "SubscriptionOptions{sampling=" + samplingInterval + ", publishing=" + publishingInterval
        + ", heartbeat=" + heartbeat + ", queueSize=" + queueSize + ", deadband=" + deadbandType + "}";
  }

  /** Builds {@link SubscriptionOptions}. */
  public static final class Builder {
    private Duration samplingInterval = Duration.ofSeconds(1);
    private Duration publishingInterval;
    private Duration heartbeat = Duration.ZERO;
    private int queueSize = 1;
    private DeadbandType deadbandType = DeadbandType.ABSOLUTE;

    private Builder() {}

    public Builder samplingInterval(Duration samplingInterval) {
      if (samplingInterval.isNegative() || samplingInterval.isZero()) throw new IllegalArgumentException("samplingInterval <= 0: " + samplingInterval);
      this.samplingInterval = samplingInterval;
      return this;
    }

    public Builder publishingInterval(Duration publishingInterval) {
      if (publishingInterval.isNegative() || publishingInterval.isZero()) throw new IllegalArgumentException("publishingInterval <= 0: " + publishingInterval);
      this.publishingInterval = publishingInterval;
      return this;
    }

    public Builder heartbeat(Duration heartbeat) {
      if (heartbeat.isNegative()) throw new IllegalArgumentException("heartbeat < 0: " + heartbeat);
      this.heartbeat = heartbeat;
      return this;
    }

    public Builder queueSize(int queueSize) {
      if (queueSize < 1) throw new IllegalArgumentException("queueSize < 1: " + queueSize);
      this.queueSize = queueSize;
      return this;
    }

    public Builder deadbandType(DeadbandType deadbandType) {
      this.deadbandType = Objects.requireNonNull(deadbandType, "deadbandType");
      return this;
    }

    public SubscriptionOptions build() {
      return new SubscriptionOptions(this);
    }
  }
}
