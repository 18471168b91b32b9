package io.aifactory.sdk.sparkplug.internal;

import java.util.List;

/**
 * Where DATA records wait until they are published, in append order: on disk (store-and-forward across restarts) or
 * in memory. Records are acknowledged cumulatively once the broker has them.
 */
public interface Outbox extends AutoCloseable {
  /** Appends a record; false if it was refused (closed, or the storage failed). */
  boolean append(byte[] payload, long timeNanos);

  /** Returns up to {@code max} unacknowledged records, oldest first, without removing them. */
  List<Stored> peek(int max);

  /** Marks every record up to and including {@code sequence} delivered. */
  void acknowledge(long sequence);

  /** Returns the number of records not yet acknowledged. */
  long pending();

  /** Returns the number of records dropped to stay within the bounds. */
  long dropped();

  @Override
  void close();

  /** A record read back: its sequence (to acknowledge) and payload. */
  final class Stored {
    private final long sequence;
    private final byte[] payload;

    public Stored(long sequence, byte[] payload) {
      this.sequence = sequence;
      this.payload = payload;
    }

    public long sequence() {
      return sequence;
    }

    public byte[] payload() {
      return payload;
    }
  }
}
