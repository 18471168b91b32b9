package io.aifactory.sdk.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * The values of many tags from one read or one notification, held in primitive columns.
 *
 * <p>Row {@code i} is one tag's value: {@link #doubleValue(int)} (or {@link #longValue(int)} for exact 64-bit
 * integers) for numbers and booleans, {@link #value(int)} for strings and arrays, plus its {@link Quality} and
 * source timestamp. A BAD row has no value: its double is NaN and its object is null — a failed read is never
 * passed off as a number. Batches are immutable once built and safe to share between threads.
 */
public final class SampleBatch {
  private final Tag[] tags;
  private final double[] doubles;
  // Made only when a row needs them: a batch of plain numbers (the common case) carries neither.
  private final long[] longs; // null: every row's long is (long) its double
  private final Object[] objects; // null: no string or array row
  private final Quality[] qualities;
  private final long[] sourceTimes;
  private final int size;
  private final long receiveTimeNanos;
  private final long pollSequence;
  private final long dueTimeNanos;

  private SampleBatch(Builder b) {
    this.size = b.size;
    this.tags = b.tags;
    this.doubles = b.doubles;
    this.longs = b.longs;
    this.objects = b.objects;
    this.qualities = b.qualities;
    this.sourceTimes = b.sourceTimes;
    this.receiveTimeNanos = b.receiveTimeNanos;
    this.pollSequence = -1;
    this.dueTimeNanos = 0;
  }

  /** Shares the immutable columns of {@code b}: no row is copied. */
  private SampleBatch(SampleBatch b, long pollSequence, long dueTimeNanos) {
    this.size = b.size;
    this.tags = b.tags;
    this.doubles = b.doubles;
    this.longs = b.longs;
    this.objects = b.objects;
    this.qualities = b.qualities;
    this.sourceTimes = b.sourceTimes;
    this.receiveTimeNanos = b.receiveTimeNanos;
    this.pollSequence = pollSequence;
    this.dueTimeNanos = dueTimeNanos;
  }

  /** Returns a builder sized for about {@code expectedSize} rows (it grows if needed). */
  public static Builder newBuilder(int expectedSize) {
    return new Builder(expectedSize);
  }

  public int size() {
    return size;
  }

  public Tag tag(int i) {
    return tags[check(i)];
  }

  public Quality quality(int i) {
    return qualities[check(i)];
  }

  public boolean isGood(int i) {
    return qualities[check(i)].isGood();
  }

  /** Returns the numeric value in engineering units (1 or 0 for booleans); NaN when BAD or not numeric. */
  public double doubleValue(int i) {
    return doubles[check(i)];
  }

  /**
   * Returns the value as a long: exact for unscaled integer tags (including INT64), truncated otherwise; 0 when BAD
   * or not numeric (check the quality first).
   */
  public long longValue(int i) {
    check(i);
    // (long) NaN is 0, as documented for BAD and non-numeric rows.
    return longs != null ? longs[i] : (long) doubles[i];
  }

  /** Returns the value boxed as {@link Sample#value()} describes; null when BAD. */
  public Object value(int i) {
    check(i);
    if (qualities[i].isBad()) return null;
    if (objects != null && objects[i] != null) return objects[i];
    DataType type = tags[i].dataType();
    if (type.kind() == DataType.Kind.BOOL) return doubles[i] != 0;
    if (type.kind().isInteger() && !tags[i].isScaled()) return longValue(i);
    return doubles[i];
  }

  /** Returns when the device says row {@code i} was sampled, in nanoseconds since the epoch. */
  public long sourceTimeNanos(int i) {
    return sourceTimes[check(i)];
  }

  /** Returns when the SDK received this batch, in nanoseconds since the epoch. */
  public long receiveTimeNanos() {
    return receiveTimeNanos;
  }

  /**
   * Returns the number of the poll this batch answers, counted from 0 per subscription, or -1 for a batch that
   * answers no poll (a read, an OPC UA notification). A polling subscription delivers every number in turn, each
   * with rows (BAD when the poll could not run), so a consumer counts gaps from the data alone.
   */
  public long pollSequence() {
    return pollSequence;
  }

  /**
   * Returns when the poll this batch answers was due, in nanoseconds since the epoch on the device's clock, or 0 when
   * {@link #pollSequence()} is -1. Unlike {@link #receiveTimeNanos()}, it does not drift with a slow device.
   */
  public long dueTimeNanos() {
    return dueTimeNanos;
  }

  /**
   * Returns this batch as the answer to poll {@code pollSequence}, due at {@code dueTimeNanos}; shares the rows.
   *
   * @throws IllegalArgumentException if {@code pollSequence < 0}
   */
  public SampleBatch withPoll(long pollSequence, long dueTimeNanos) {
    if (pollSequence < 0) throw new IllegalArgumentException("pollSequence < 0: " + pollSequence);
    return new SampleBatch(this, pollSequence, dueTimeNanos);
  }

  /** Returns row {@code i} as a boxed {@link Sample}. */
  public Sample sample(int i) {
    return new Sample(tag(i), value(i), qualities[i], sourceTimes[i], receiveTimeNanos);
  }

  /** Returns the first row whose tag has this name, or -1. */
  public int indexOf(String tagName) {
    for (int i = 0; i < size; i++) {
      if (tags[i].name().equals(tagName)) return i;
    }
    return -1;
  }

  /** Returns true if every row is GOOD. */
  public boolean allGood() {
    for (int i = 0; i < size; i++) {
      if (!qualities[i].isGood()) return false;
    }
    return true;
  }

  private int check(int i) {
    if (i < 0 || i >= size) throw new IndexOutOfBoundsException("row=" + i + " size=" + size);
    return i;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("SampleBatch[");
    for (int i = 0; i < size; i++) s.append(i == 0 ? "" : ", ").append(sample(i));
    return s.append(']').toString();
  }

  /** Collects rows for a {@link SampleBatch}; not thread-safe, use once. */
  public static final class Builder {
    private Tag[] tags;
    private double[] doubles;
    private long[] longs;
    private Object[] objects;
    private Quality[] qualities;
    private long[] sourceTimes;
    private int size;
    private long receiveTimeNanos;
    private boolean built;

    private Builder(int expectedSize) {
      if (expectedSize < 0) throw new IllegalArgumentException("expectedSize < 0: " + expectedSize);
      int n = Math.max(expectedSize, 1);
      tags = new Tag[n];
      doubles = new double[n];
      qualities = new Quality[n];
      sourceTimes = new long[n];
    }

    /** Adds a number (or boolean as 1/0) in engineering units. A BAD quality stores NaN instead of the value. */
    public Builder add(Tag tag, double value, Quality quality, long sourceTimeNanos) {
      int i = next(tag, quality, sourceTimeNanos);
      boolean bad = quality.isBad();
      doubles[i] = bad ? Double.NaN : value;
      if (longs != null) longs[i] = bad ? 0 : (long) value;
      return this;
    }

    /** Adds an integer exactly (INT64 values beyond 2^53 keep every bit in {@link #longValue(int)}). */
    public Builder addLong(Tag tag, long value, Quality quality, long sourceTimeNanos) {
      int i = next(tag, quality, sourceTimeNanos);
      boolean bad = quality.isBad();
      doubles[i] = bad ? Double.NaN : value;
      if (longs == null && !bad && (long) (double) value != value) longs = longsSoFar();
      if (longs != null) longs[i] = bad ? 0 : value;
      return this;
    }

    /** Adds a string or a primitive array. A BAD quality stores null instead of the value. */
    public Builder addObject(Tag tag, Object value, Quality quality, long sourceTimeNanos) {
      int i = next(tag, quality, sourceTimeNanos);
      boolean bad = quality.isBad();
      if (!bad) Objects.requireNonNull(value, "value of " + tag.name());
      if (objects == null && !bad) objects = new Object[tags.length];
      if (!bad) objects[i] = value;
      doubles[i] = Double.NaN;
      if (longs != null) longs[i] = 0;
      return this;
    }

    /** Adds a row with no value, for a read that failed. */
    public Builder addBad(Tag tag, Quality quality, long sourceTimeNanos) {
      if (!quality.isBad()) throw new IllegalArgumentException("addBad with quality " + quality);
      int i = next(tag, quality, sourceTimeNanos);
      doubles[i] = Double.NaN;
      if (longs != null) longs[i] = 0;
      return this;
    }

    public Builder receiveTimeNanos(long receiveTimeNanos) {
      this.receiveTimeNanos = receiveTimeNanos;
      return this;
    }

    public int size() {
      return size;
    }

    public SampleBatch build() {
      if (built) throw new IllegalStateException("build() called twice");
      built = true;
      return new SampleBatch(this);
    }

    private int next(Tag tag, Quality quality, long sourceTimeNanos) {
      if (built) throw new IllegalStateException("builder already built");
      Objects.requireNonNull(tag, "tag");
      Objects.requireNonNull(quality, "quality");
      if (size == tags.length) grow();
      int i = size++;
      tags[i] = tag;
      qualities[i] = quality;
      sourceTimes[i] = sourceTimeNanos;
      return i;
    }

    /** An integer that a double cannot hold exactly arrived: from now on longs are kept; the rows so far get theirs. */
    private long[] longsSoFar() {
      long[] l = new long[tags.length];
      for (int j = 0; j < size - 1; j++) l[j] = (long) doubles[j];
      return l;
    }

    private void grow() {
      int n = tags.length * 2;
      tags = Arrays.copyOf(tags, n);
      doubles = Arrays.copyOf(doubles, n);
      if (longs != null) longs = Arrays.copyOf(longs, n);
      if (objects != null) objects = Arrays.copyOf(objects, n);
      qualities = Arrays.copyOf(qualities, n);
      sourceTimes = Arrays.copyOf(sourceTimes, n);
    }
  }
}
