package io.aifactory.sdk.core.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free log-linear histogram of nanosecond latencies: 16 linear sub-buckets per power of two, so each
 * bucket is at most 1/16 wide relative to its value. Recording is one atomic increment and allocates nothing.
 */
public final class LatencyHistogram {
  private static final int SUB_BITS = 4;
  private static final int SUB_BUCKETS = 1 << SUB_BITS;
  private static final int MAX_EXPONENT = 48; // 2^48 ns is more than three days
  private final AtomicLongArray counts = new AtomicLongArray((MAX_EXPONENT + 1) * SUB_BUCKETS);
  private final AtomicLong max = new AtomicLong();

  public void record(long nanos) {
    counts.incrementAndGet(index(Math.max(0, nanos)));
    max.accumulateAndGet(nanos, Math::max);
  }

  /** Returns the largest value recorded, exactly. */
  public long max() {
    return max.get();
  }

  static int index(long value) {
    if (value < SUB_BUCKETS) {
      return (int) value;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(value);
    if (exponent > MAX_EXPONENT) {
      return (MAX_EXPONENT + 1) * SUB_BUCKETS - 1;
    }
    int sub = (int) ((value >>> (exponent - SUB_BITS)) & (SUB_BUCKETS - 1));
    return (exponent - SUB_BITS + 1) * SUB_BUCKETS + sub;
  }

  /** Returns the upper bound of the values that fall into bucket {@code index}. */
  static long upperBound(int index) {
    if (index < SUB_BUCKETS) {
      return index;
    }
    int exponent = index / SUB_BUCKETS + SUB_BITS - 1;
    int sub = index % SUB_BUCKETS;
    long base = (long) (SUB_BUCKETS + sub) << (exponent - SUB_BITS);
    return base + (1L << (exponent - SUB_BITS)) - 1;
  }

  /** Returns the smallest recorded bucket bound below which at least {@code quantile} of values fall. */
  public long percentile(double quantile) {
    long total = 0;
    int length = counts.length();
    long[] snapshot = new long[length];
    for (int i = 0; i < length; i++) {
      snapshot[i] = counts.get(i);
      total += snapshot[i];
    }
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(quantile * total);
    long seen = 0;
    for (int i = 0; i < length; i++) {
      seen += snapshot[i];
      if (seen >= rank && snapshot[i] > 0) {
        return upperBound(i);
      }
    }
    return upperBound(length - 1);
  }
}
