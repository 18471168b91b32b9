package io.aifactory.sdk.core.forward;

/**
 * One record read back from a {@link DiskBuffer}: its sequence (the number to {@link DiskBuffer#acknowledge}), the
 * time given when it was appended, and its payload. Immutable: the payload is a copy the caller may keep.
 */
public final class BufferedRecord {
  private final long sequence;
  private final long timeNanos;
  private final byte[] payload;

  BufferedRecord(long sequence, long timeNanos, byte[] payload) {
    this.sequence = sequence;
    this.timeNanos = timeNanos;
    this.payload = payload;
  }

  /** Returns the record's sequence: one more than the record appended before it, never reused in its folder. */
  public long sequence() {
    return sequence;
  }

  /** Returns the time given to {@link DiskBuffer#append}, in nanoseconds since the epoch. */
  public long timeNanos() {
    return timeNanos;
  }

  /** Returns the payload. The array is this record's own; callers must not modify it. */
  public byte[] payload() {
    return payload;
  }

  @Override
  public String toString() {
    return "BufferedRecord{sequence=" + sequence + ", timeNanos=" + timeNanos + ", bytes=" + payload.length + "}";
  }
}
