package io.aifactory.sdk.core.tensor;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reuses the direct memory behind tensors, by size in bytes.
 *
 * <p>Direct memory is slow to allocate, zeroed on allocation, and freed only when the garbage collector
 * notices the buffer is unreachable — so a loop that allocates a tensor per inference builds up native memory
 * the heap never sees. A pool hands out tensors over memory that earlier tensors returned:
 *
 * <pre>{@code
 * try (TensorPool pool = TensorPool.create();
 *      TensorBuffer input = pool.acquire(ElementType.FLOAT32, 64, 256, 16)) {
 *   ...
 * } // input goes back to the pool, then the pool drops what it holds
 * }</pre>
 *
 * <p>Closing an acquired tensor returns its memory; closing a view of it does not. A tensor acquired and
 * never closed is a leak: {@link #outstanding()} counts them and {@link #checkNoLeaks()} fails naming each one,
 * with the stack trace of its acquisition if {@link Builder#recordAcquireSites(boolean)} is on (use that in
 * tests; it costs a stack walk per acquire).
 *
 * <p>The memory of an acquired tensor is not cleared; it holds whatever its previous user left. This class
 * is thread-safe.
 */
public final class TensorPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TensorPool.class);

  private final long maxRetainedBytes;
  private final boolean recordAcquireSites;

  /** Free memory by capacity in bytes. Guarded by this. */
  private final Map<Integer, ArrayDeque<ByteBuffer>> free = new HashMap<>();
  /** Acquired and not yet closed, with where they were acquired when recorded. Guarded by this. */
  private final Map<TensorBuffer, Throwable> outstanding = new IdentityHashMap<>();
  private long retainedBytes;
  private long allocations;
  private long reuses;
  private boolean closed;

  private TensorPool(Builder builder) {
    this.maxRetainedBytes = builder.maxRetainedBytes;
    this.recordAcquireSites = builder.recordAcquireSites;
  }

  /** Returns a pool with default options. */
  public static TensorPool create() {
    return newBuilder().build();
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Returns a tensor of the given type and shape, over reused memory if the pool holds a free block of the
   * same (64-byte-rounded) size, otherwise over newly allocated memory. Its contents are undefined.
   *
   * @throws TensorException if the shape is invalid or the pool is closed
   */
  public TensorBuffer acquire(ElementType type, long... shape) {
    long[] copy = shape.clone();
    int count = TensorBuffer.checkedElementCount(type, copy);
    int capacity = TensorBuffer.alignedCapacity(count * type.byteSize());
    Throwable site = recordAcquireSites ? new Throwable("acquired here") : null;
    ByteBuffer memory;
    synchronized (this) {
      if (closed) {
        throw new TensorException("pool is closed: cannot acquire " + type + " " + Arrays.toString(copy));
      }
      ArrayDeque<ByteBuffer> blocks = free.get(capacity);
      memory = blocks == null ? null : blocks.poll();
      if (memory != null) {
        retainedBytes -= capacity;
        reuses++;
      } else {
        allocations++;
      }
    }
    if (memory == null) {
      memory = TensorBuffer.allocateAligned(capacity);
    }
    TensorBuffer tensor = new TensorBuffer(memory, type, copy, count, this);
    synchronized (this) {
      outstanding.put(tensor, site);
    }
    return tensor;
  }

  /** Takes back the memory of a closed root tensor this pool handed out. */
  void release(TensorBuffer tensor) {
    ByteBuffer memory = tensor.memory();
    int capacity = memory.capacity();
    synchronized (this) {
      if (!outstanding.containsKey(tensor)) {
        return;
      }
      outstanding.remove(tensor);
      if (closed || retainedBytes + capacity > maxRetainedBytes) {
        return; // left to the garbage collector
      }
      free.computeIfAbsent(capacity, c -> new ArrayDeque<>()).push(memory);
      retainedBytes += capacity;
    }
  }

  /** Returns how many tensors were acquired and not yet closed. */
  public synchronized int outstanding() {
    return outstanding.size();
  }

  /** Returns the bytes of free memory the pool holds for reuse. */
  public synchronized long retainedBytes() {
    return retainedBytes;
  }

  /** Returns how many acquisitions had to allocate new memory. */
  public synchronized long allocations() {
    return allocations;
  }

  /** Returns how many acquisitions reused memory. */
  public synchronized long reuses() {
    return reuses;
  }

  /**
   * Fails if any acquired tensor has not been closed.
   *
   * @throws TensorException naming each outstanding tensor; the first one's acquisition site, if recorded,
   *     is attached as a suppressed exception
   */
  public void checkNoLeaks() {
    List<String> names = new ArrayList<>();
    List<Throwable> sites = new ArrayList<>();
    synchronized (this) {
      for (Map.Entry<TensorBuffer, Throwable> entry : outstanding.entrySet()) {
        names.add(entry.getKey().toString());
        if (entry.getValue() != null) {
          sites.add(entry.getValue());
        }
      }
    }
    if (!names.isEmpty()) {
      TensorException leak = new TensorException("tensor pool leak: expected 0 outstanding tensors, found "
          + names.size() + ": " + names + (recordAcquireSites ? "" : " (recordAcquireSites(true) shows where)"));
      for (Throwable site : sites) {
        leak.addSuppressed(site);
      }
      throw leak;
    }
  }

  /**
   * Drops the free memory the pool holds (the garbage collector frees it) and refuses further acquisitions.
   * Tensors still outstanding stay usable; their memory is dropped when they are closed. Outstanding tensors
   * are logged as a warning.
   */
  @Override
  public void close() {
    int leaked;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      free.clear();
      retainedBytes = 0;
      leaked = outstanding.size();
    }
    if (leaked > 0) {
      LOG.warn("tensor pool closed with {} tensors still outstanding", leaked);
    }
  }

  /** Options for a {@link TensorPool}. */
  public static final class Builder {
    private long maxRetainedBytes = 256L * 1024 * 1024;
    private boolean recordAcquireSites;

    private Builder() {
    }

    /** Most bytes of free memory kept for reuse; memory returned beyond it is left to the GC. */
    public Builder maxRetainedBytes(long maxRetainedBytes) {
      if (maxRetainedBytes < 0) {
        throw new IllegalArgumentException("maxRetainedBytes < 0: " + maxRetainedBytes);
      }
      this.maxRetainedBytes = maxRetainedBytes;
      return this;
    }

    /** Records a stack trace per acquisition so that {@link #checkNoLeaks()} can say where a leak began. */
    public Builder recordAcquireSites(boolean recordAcquireSites) {
      this.recordAcquireSites = recordAcquireSites;
      return this;
    }

    public TensorPool build() {
      return new TensorPool(this);
    }
  }
}
