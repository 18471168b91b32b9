package io.aifactory.sdk.inference.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ONNX Runtime wrappers of the tensors a session sees again and again (the same input and output buffers
 * every cycle), so that a steady-state {@code run} creates no native tensor.
 *
 * <p>Keys are tensor identities; a tensor's memory, type and shape never change, so its wrapper stays valid
 * until the tensor is closed. An entry whose tensor was closed is retired, and retired wrappers are freed
 * only when no run is in flight, so a run never sees a wrapper freed under it. When every slot holds a
 * live tensor, {@link #get} returns null and the caller wraps (and frees) a tensor for that run alone.
 */
final class WrapperCache {
  private static final int CAPACITY = 64;

  private final OrtEnvironment env;
  private final TensorBuffer[] keys = new TensorBuffer[CAPACITY];
  private final OnnxTensor[] values = new OnnxTensor[CAPACITY];
  private final List<OnnxTensor> retired = new ArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean hasRetired;
  private boolean closed;

  WrapperCache(OrtEnvironment env) {
    this.env = env;
  }

  /** Marks a run as started; call before {@link #get}. */
  void enter() {
    inFlight.incrementAndGet();
  }

  /** Marks a run as finished and frees retired wrappers if it was the last one in flight. */
  void exit() {
    if (inFlight.decrementAndGet() == 0 && hasRetired) {
      freeRetired();
    }
  }

  /** Returns the cached wrapper of {@code tensor}, creating it if there is room, or null if there is none. */
  synchronized OnnxTensor get(TensorBuffer tensor) throws OrtException {
    if (closed) {
      return null;
    }
    for (int i = 0; i < CAPACITY; i++) {
      if (keys[i] == tensor) {
        return values[i];
      }
    }
    // A miss: retire entries whose tensor was closed, then take the first free slot.
    int free = -1;
    for (int i = 0; i < CAPACITY; i++) {
      TensorBuffer key = keys[i];
      if (key != null && key.isClosed()) {
        retired.add(values[i]);
        hasRetired = true;
        keys[i] = null;
        values[i] = null;
        key = null;
      }
      if (key == null && free < 0) {
        free = i;
      }
    }
    if (free < 0) {
      return null;
    }
    OnnxTensor wrapper = OrtTypes.wrap(env, tensor);
    keys[free] = tensor;
    values[free] = wrapper;
    return wrapper;
  }

  private synchronized void freeRetired() {
    if (inFlight.get() == 0) {
      retired.forEach(OnnxTensor::close);
      retired.clear();
      hasRetired = false;
    }
  }

  /** Frees every wrapper; call only once no run is in flight. */
  synchronized void close() {
    closed = true;
    for (int i = 0; i < CAPACITY; i++) {
      if (values[i] != null) {
        values[i].close();
        keys[i] = null;
        values[i] = null;
      }
    }
    retired.forEach(OnnxTensor::close);
    retired.clear();
  }
}
