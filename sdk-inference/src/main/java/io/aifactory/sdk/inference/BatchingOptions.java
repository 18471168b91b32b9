package io.aifactory.sdk.inference;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link BatchingSession} gathers samples: at most {@link #maxBatchSize()} per run, waiting at most
 * {@link #maxQueueDelay()} after the first sample of a batch for more, with a bounded queue. Immutable.
 */
public final class BatchingOptions {
  private final int maxBatchSize;
  private final Duration maxQueueDelay;
  private final int queueCapacity;
  private final boolean blockWhenFull;

  private BatchingOptions(Builder b) {
    this.maxBatchSize = b.maxBatchSize;
    this.maxQueueDelay = b.maxQueueDelay;
    this.queueCapacity = b.queueCapacity;
    this.blockWhenFull = b.blockWhenFull;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns a builder that starts from this value. */
  public Builder toBuilder() {
    return new Builder().maxBatchSize(maxBatchSize).maxQueueDelay(maxQueueDelay).queueCapacity(queueCapacity)
        .blockWhenFull(blockWhenFull);
  }

  public int maxBatchSize() {
    return maxBatchSize;
  }

  /** Returns how long the first sample of a batch may wait for others. */
  public Duration maxQueueDelay() {
    return maxQueueDelay;
  }

  /** Returns how many samples may wait; a submission beyond it fails or blocks. */
  public int queueCapacity() {
    return queueCapacity;
  }

  /** Returns true if a submission to a full queue waits for room instead of failing. */
  public boolean blockWhenFull() {
    return blockWhenFull;
  }

  @Override
  public String toString() {
    return "BatchingOptions{maxBatchSize=" + maxBatchSize + ", maxQueueDelay=" + maxQueueDelay
        + ", queueCapacity=" + queueCapacity + ", blockWhenFull=" + blockWhenFull + "}";
  }

  public static final class Builder {
    private int maxBatchSize = 32;
    private Duration maxQueueDelay = Duration.ofMillis(2);
    private int queueCapacity = 1024;
    private boolean blockWhenFull;

    private Builder() {}

    public Builder maxBatchSize(int maxBatchSize) {
      if (maxBatchSize < 1) {
        throw new IllegalArgumentException("maxBatchSize < 1: " + maxBatchSize);
      }
      this.maxBatchSize = maxBatchSize;
      return this;
    }

    public Builder maxQueueDelay(Duration maxQueueDelay) {
      Objects.requireNonNull(maxQueueDelay, "maxQueueDelay");
      if (maxQueueDelay.isNegative()) {
        throw new IllegalArgumentException("maxQueueDelay < 0: " + maxQueueDelay);
      }
      this.maxQueueDelay = maxQueueDelay;
      return this;
    }

    public Builder queueCapacity(int queueCapacity) {
      if (queueCapacity < 1) {
        throw new IllegalArgumentException("queueCapacity < 1: " + queueCapacity);
      }
      this.queueCapacity = queueCapacity;
      return this;
    }

    public Builder blockWhenFull(boolean blockWhenFull) {
      this.blockWhenFull = blockWhenFull;
      return this;
    }

    public BatchingOptions build() {
      return new BatchingOptions(this);
    }
  }
}
