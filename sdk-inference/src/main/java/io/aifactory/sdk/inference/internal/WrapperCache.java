package io.aifactory.sdk.inference.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import java.util.List;

/**
 * ONNX Runtime wrappers of the tensors a session sees again and again (the same input and output buffers
 * every cycle, or a new window view over the same rows), so that a steady-state {@code run} creates no native
 * tensor.
 *
 * <p>Keys are memory regions, not tensor objects: a tensor hits the entry of any tensor over the same bytes of
 * the same root with the same element type and shape ({@link TensorBuffer#isSameRegion}), so the fresh view
 * object that {@code window.latestBatch(n)} returns on every call finds the wrapper of the previous call while
 * no row was appended. A view at another offset or with another shape is another region, and another entry.
 * A wrapper points at the root's memory, which stays valid while the root is open whatever happens to the
 * view objects; so each entry holds a view of its own, which nobody else can close, and is retired exactly
 * when the root is closed (or when it is evicted), never because a caller closed or dropped its view.
 *
 * <p>Each entry counts the runs using it: a run takes its wrappers with {@link #get} and gives them back with
 * {@link #release} when it ends. An entry whose root was closed leaves the cache; its wrapper is freed at once
 * if no run uses it, else by the last run that does. So a wrapper is never freed under a run, and a retired
 * wrapper never outlives the runs that used it, however much runs of different threads overlap. When every
 * slot holds a live region, the least recently used entry is evicted the same way, so regions that are never
 * seen again (a window that moves on) cannot fill the cache and stay pinned by it.
 */
final class WrapperCache {
  private static final int CAPACITY = 64;

  /** One cached wrapper; every field is guarded by the cache's monitor. */
  static final class Entry {
    /** The cache's own view of the region: closed only when its root is. */
    final TensorBuffer key;
    final OnnxTensor wrapper;
    int uses;
    boolean retired;
    long lastUsed;

    Entry(TensorBuffer key, OnnxTensor wrapper) {
      this.key = key;
      this.wrapper = wrapper;
    }
  }

  private final OrtEnvironment env;
  private final Entry[] entries = new Entry[CAPACITY];
  /** Wrappers out of the cache but still used by a run in flight. */
  private int retired;
  private long clock;
  /** Wrappers created since the cache was, for tests. */
  private long created;
  private boolean closed;

  WrapperCache(OrtEnvironment env) {
    this.env = env;
  }

  /**
   * Returns the cached wrapper of {@code tensor}'s region, creating it if needed, or null if the cache is
   * closed. The entry is added to {@code used}, which the run must hand to {@link #release}. {@code tensor} must
   * be open (the session checks it), which means its root is, so a hit on an entry made by another view is valid.
   */
  synchronized OnnxTensor get(TensorBuffer tensor, List<Entry> used) throws OrtException {
    if (closed) {
      return null;
    }
    for (int i = 0; i < CAPACITY; i++) {
      Entry e = entries[i];
      if (e != null && e.key.isSameRegion(tensor)) {
        return use(e, used);
      }
    }
    // A miss: retire entries whose root was closed, then take the first free slot, else evict the least
    // recently used entry.
    int free = -1;
    int oldest = -1;
    for (int i = 0; i < CAPACITY; i++) {
      Entry e = entries[i];
      if (e != null && e.key.isClosed()) {
        retire(e);
        entries[i] = null;
        e = null;
      }
      if (e == null) {
        free = free < 0 ? i : free;
      } else if (oldest < 0 || e.lastUsed < entries[oldest].lastUsed) {
        oldest = i;
      }
    }
    if (free < 0) {
      retire(entries[oldest]);
      entries[oldest] = null;
      free = oldest;
    }
    // The entry's own view: the caller may close its view while the root, and so the wrapper, stays valid.
    TensorBuffer key = tensor.reshape(tensor.shape());
    Entry e = new Entry(key, OrtTypes.wrap(env, key));
    created++;
    entries[free] = e;
    return use(e, used);
  }

  private OnnxTensor use(Entry e, List<Entry> used) {
    e.uses++;
    e.lastUsed = ++clock;
    used.add(e);
    return e.wrapper;
  }

  /** Ends a run's use of the entries {@link #get} gave it, freeing those retired meanwhile. */
  synchronized void release(List<Entry> used) {
    for (int i = 0; i < used.size(); i++) {
      Entry e = used.get(i);
      if (--e.uses == 0 && e.retired) {
        e.wrapper.close();
        retired--;
      }
    }
    used.clear();
  }

  private void retire(Entry e) {
    if (e.uses == 0) {
      e.wrapper.close();
    } else {
      e.retired = true;
      retired++;
    }
  }

  /** Returns how many wrappers left the cache but wait for runs in flight; for tests. */
  synchronized int retiredCount() {
    return retired;
  }

  /** Returns how many wrappers the cache has created; for tests. */
  synchronized long createdCount() {
    return created;
  }

  /** Returns whether {@code tensor}'s region has a wrapper in the cache; for tests. */
  synchronized boolean contains(TensorBuffer tensor) {
    for (Entry e : entries) {
      if (e != null && e.key.isSameRegion(tensor)) {
        return true;
      }
    }
    return false;
  }

  /** Returns how many wrappers the cache holds; for tests. */
  synchronized int size() {
    int n = 0;
    for (Entry e : entries) {
      n += e != null ? 1 : 0;
    }
    return n;
  }

  /** Frees every wrapper; call only once no run is in flight. */
  synchronized void close() {
    closed = true;
    for (int i = 0; i < CAPACITY; i++) {
      if (entries[i] != null) {
        entries[i].wrapper.close();
        entries[i] = null;
      }
    }
    retired = 0;
  }
}
