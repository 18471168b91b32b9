package io.aifactory.sdk.diagnostics.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A bounded ring of the last {@code capacity} items, with a running count so that a reader can ask for what arrived
 * since it last looked. The writer (a pipeline's, guard's or device's thread) holds the lock for one array store; the
 * reader (the diagnostics thread) copies under it. Nothing blocks for longer, and memory never grows.
 */
public final class Ring<T> {
  private final Object[] items;
  private long total;

  public Ring(int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity < 1: " + capacity);
    this.items = new Object[capacity];
  }

  public synchronized void add(T item) {
    items[(int) (total % items.length)] = item;
    total++;
  }

  /** Returns how many items were ever added: where the next {@link #between} read starts. */
  public synchronized long total() {
    return total;
  }

  /**
   * Returns the items numbered {@code [from, to)} that are still held, oldest first; {@code to} is capped at
   * {@link #total()}. Items already overwritten are simply absent: a reader that fell behind skips, it never blocks
   * the writer.
   */
  @SuppressWarnings("unchecked")
  public synchronized List<T> between(long from, long to) {
    long end = Math.min(to, total);
    long start = Math.max(from, total - items.length);
    List<T> out = new ArrayList<>((int) Math.max(0, end - start));
    for (long i = start; i < end; i++) {
      out.add((T) items[(int) (i % items.length)]);
    }
    return out;
  }
}
