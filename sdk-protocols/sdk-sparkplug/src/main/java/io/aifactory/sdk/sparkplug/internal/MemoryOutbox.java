package io.aifactory.sdk.sparkplug.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * An outbox in memory, for a node configured without a buffer directory: it bridges a broker outage of up to
 * {@code maxRecords} records (the oldest are dropped and counted beyond that), but not a restart.
 */
public final class MemoryOutbox implements Outbox {
  private final int maxRecords;
  private final ArrayDeque<Stored> records = new ArrayDeque<>();
  private long nextSequence = 1;
  private long dropped;
  private boolean closed;

  public MemoryOutbox(int maxRecords) {
    if (maxRecords < 1) {
      throw new IllegalArgumentException("maxRecords < 1: " + maxRecords);
    }
    this.maxRecords = maxRecords;
  }

  @Override
  public synchronized boolean append(byte[] payload, long timeNanos) {
    if (closed) {
      return false;
    }
    if (records.size() == maxRecords) {
      records.removeFirst();
      dropped++;
    }
    records.addLast(new Stored(nextSequence++, payload.clone()));
    return true;
  }

  @Override
  public synchronized List<Stored> peek(int max) {
    List<Stored> out = new ArrayList<>(Math.min(max, records.size()));
    for (Stored s : records) {
      if (out.size() == max) {
        break;
      }
      out.add(s);
    }
    return out;
  }

  @Override
  public synchronized void acknowledge(long sequence) {
    while (!records.isEmpty() && records.peekFirst().sequence() <= sequence) {
      records.removeFirst();
    }
  }

  @Override
  public synchronized long pending() {
    return records.size();
  }

  @Override
  public synchronized long dropped() {
    return dropped;
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}
