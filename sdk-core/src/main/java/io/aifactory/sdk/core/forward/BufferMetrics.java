package io.aifactory.sdk.core.forward;

/**
 * A snapshot of a {@link DiskBuffer}'s counters since it was opened. Every record appended is, at any time, either
 * {@link #pending()}, {@link #delivered()}, {@link #droppedBySize()} or {@link #droppedByAge()}; records that were
 * pending when the buffer was last closed are counted in {@link #recovered()} instead of {@link #appended()}.
 * Immutable.
 */
public final class BufferMetrics {
  private final String name;
  private final long appended;
  private final long recovered;
  private final long delivered;
  private final long droppedBySize;
  private final long droppedByAge;
  private final long corruptSkipped;
  private final long writeErrors;
  private final long pending;
  private final long bytesOnDisk;
  private final int segments;

  BufferMetrics(String name, long appended, long recovered, long delivered, long droppedBySize, long droppedByAge,
      long corruptSkipped, long writeErrors, long pending, long bytesOnDisk, int segments) {
    this.name = name;
    this.appended = appended;
    this.recovered = recovered;
    this.delivered = delivered;
    this.droppedBySize = droppedBySize;
    this.droppedByAge = droppedByAge;
    this.corruptSkipped = corruptSkipped;
    this.writeErrors = writeErrors;
    this.pending = pending;
    this.bytesOnDisk = bytesOnDisk;
    this.segments = segments;
  }

  /** Returns the buffer's name. */
  public String name() {
    return name;
  }

  /** Returns the number of records appended since {@link DiskBuffer#open()}. */
  public long appended() {
    return appended;
  }

  /** Returns the number of unacknowledged records found on disk by {@link DiskBuffer#open()}. */
  public long recovered() {
    return recovered;
  }

  /** Returns the number of records acknowledged (delivered) since the buffer was opened. */
  public long delivered() {
    return delivered;
  }

  /** Returns the number of unacknowledged records dropped, oldest segment first, to stay within the size bound. */
  public long droppedBySize() {
    return droppedBySize;
  }

  /** Returns the number of unacknowledged records dropped because they were older than the age bound. */
  public long droppedByAge() {
    return droppedByAge;
  }

  /**
   * Returns the number of damaged regions skipped when reading segments back: a torn tail left by a crash
   * mid-write, or a record whose length or checksum is wrong. How many records a region held cannot be known; the
   * sequences missing around it can.
   */
  public long corruptSkipped() {
    return corruptSkipped;
  }

  /** Returns the number of appends the disk refused (the append returned false). */
  public long writeErrors() {
    return writeErrors;
  }

  /** Returns the number of records not yet acknowledged. */
  public long pending() {
    return pending;
  }

  /** Returns the size of the buffer's segment files. */
  public long bytesOnDisk() {
    return bytesOnDisk;
  }

  /** Returns the number of segment files. */
  public int segments() {
    return segments;
  }

  @Override
  public String toString() {
    return "BufferMetrics{name=" + name + ", appended=" + appended + ", recovered=" + recovered
        + ", delivered=" + delivered + ", droppedBySize=" + droppedBySize + ", droppedByAge=" + droppedByAge
        + ", corruptSkipped=" + corruptSkipped + ", writeErrors=" + writeErrors + ", pending=" + pending
        + ", bytesOnDisk=" + bytesOnDisk + ", segments=" + segments + "}";
  }
}
