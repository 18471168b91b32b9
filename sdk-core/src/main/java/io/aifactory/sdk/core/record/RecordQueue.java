package io.aifactory.sdk.core.record;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-off between the threads that record and the one writer thread.
 *
 * <p>Not an {@code ArrayBlockingQueue} because closing must be atomic with offering: once {@link #close()} returns,
 * no record can slip in behind the writer's last drain and be dropped without being counted. It also lets a whole
 * sample batch be offered under one lock.
 */
final class RecordQueue {
  private final int capacity;
  private final ArrayDeque<Object> entries = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private boolean closed;

  RecordQueue(int capacity) {
    this.capacity = capacity;
  }

  /** Adds one entry; returns false if the queue is full or closed. */
  boolean offer(Object entry) {
    lock.lock();
    try {
      if (closed || entries.size() == capacity) return false;
      entries.addLast(entry);
      notEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Adds as many of {@code batch} as fit, in order; returns how many were added (0 when closed). */
  int offerAll(List<?> batch) {
    lock.lock();
    try {
      if (closed) return 0;
      int n = Math.min(batch.size(), capacity - entries.size());
      for (int i = 0; i < n; i++) entries.addLast(batch.get(i));
      if (n > 0) notEmpty.signal();
      return n;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Moves up to {@code max} entries into {@code into}, waiting up to {@code waitNanos} for the first one; returns
   * early when the queue is closed.
   */
  void drainTo(List<Object> into, int max, long waitNanos) throws InterruptedException {
    lock.lock();
    try {
      long left = waitNanos;
      while (entries.isEmpty() && !closed && left > 0) left = notEmpty.awaitNanos(left);
      for (int i = 0; i < max && !entries.isEmpty(); i++) into.add(entries.pollFirst());
    } finally {
      lock.unlock();
    }
  }

  /** Refuses every later offer and wakes the writer. */
  void close() {
    lock.lock();
    try {
      closed = true;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** Returns true if the queue is closed and empty: nothing more can arrive. */
  boolean isClosedAndEmpty() {
    lock.lock();
    try {
      return closed && entries.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  int size() {
    lock.lock();
    try {
      return entries.size();
    } finally {
      lock.unlock();
    }
  }
}
