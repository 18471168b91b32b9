package io.aifactory.sdk.inference.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WrapperCacheTest {
  private final WrapperCache cache = new WrapperCache(OrtEnvironment.getEnvironment());

  @AfterEach
  void closeCache() {
    cache.close();
  }

  @Test
  void shouldFreeWrappersOfClosedTensorsWhileOtherRunsAlwaysOverlap() throws Exception {
    // Two lines share a session; their runs always overlap, so no moment has zero runs in flight. Each
    // cycle a line takes a fresh tensor from its pool, runs, and closes it.
    List<WrapperCache.Entry> previousRun = new ArrayList<>();
    TensorBuffer previousTensor = TensorBuffer.allocate(ElementType.FLOAT32, 1, 4);
    cache.get(previousTensor, previousRun);
    for (int cycle = 0; cycle < 200; cycle++) {
      List<WrapperCache.Entry> run = new ArrayList<>();
      TensorBuffer tensor = TensorBuffer.allocate(ElementType.FLOAT32, 1, 4);
      assertNotNull(cache.get(tensor, run)); // starts before the previous run ends
      cache.release(previousRun);
      previousTensor.close();
      previousRun = run;
      previousTensor = tensor;
    }
    cache.release(previousRun);
    previousTensor.close();

    assertEquals(0, cache.retiredCount(), "wrappers waiting to be freed");
    assertEquals(2, cache.size(), "entries: the last two tensors, closed but not yet swept");
  }

  @Test
  void shouldKeepAWrapperInUseUntilItsLastRunEndsThenFreeIt() throws Exception {
    TensorBuffer tensor = TensorBuffer.allocate(ElementType.FLOAT32, 1, 4);
    List<WrapperCache.Entry> first = new ArrayList<>();
    List<WrapperCache.Entry> second = new ArrayList<>();
    OnnxTensor wrapper = cache.get(tensor, first);
    assertSame(wrapper, cache.get(tensor, second));
    tensor.close();
    try (TensorBuffer other = TensorBuffer.allocate(ElementType.FLOAT32, 1, 4)) {
      List<WrapperCache.Entry> third = new ArrayList<>();
      cache.get(other, third); // the miss sweeps the closed tensor out
      assertEquals(1, cache.retiredCount());
      cache.release(first);
      assertEquals(1, cache.retiredCount(), "still used by the second run");
      cache.release(second);
      assertEquals(0, cache.retiredCount());
      cache.release(third);
    }
  }

  @Test
  void shouldEvictTheLeastRecentlyUsedOfTensorsThatAreNeverClosed() throws Exception {
    // A steady input used every cycle, and a new view per cycle that nobody closes (latestBatch(n)).
    try (TensorBuffer window = TensorBuffer.allocate(ElementType.FLOAT32, 8, 4);
        TensorBuffer steady = TensorBuffer.allocate(ElementType.FLOAT32, 1, 4)) {
      List<TensorBuffer> views = new ArrayList<>();
      OnnxTensor steadyWrapper = null;
      for (int cycle = 0; cycle < 300; cycle++) {
        List<WrapperCache.Entry> run = new ArrayList<>();
        OnnxTensor w = cache.get(steady, run);
        steadyWrapper = steadyWrapper == null ? w : steadyWrapper;
        assertSame(steadyWrapper, w, "cycle " + cycle + ": the steady input keeps its wrapper");
        TensorBuffer view = window.slice(cycle % 4, 4);
        views.add(view);
        assertNotNull(cache.get(view, run));
        cache.release(run);
      }
      assertEquals(64, cache.size());
      assertFalse(cache.contains(views.get(0)), "the oldest view is no longer pinned");
      assertTrue(cache.contains(views.get(views.size() - 1)));
      assertEquals(0, cache.retiredCount());
    }
  }

  @Test
  void shouldRetireAnEvictedWrapperThatARunStillUses() throws Exception {
    List<TensorBuffer> tensors = new ArrayList<>();
    try {
      List<WrapperCache.Entry> inFlight = new ArrayList<>();
      TensorBuffer first = TensorBuffer.allocate(ElementType.FLOAT32, 1, 4);
      tensors.add(first);
      cache.get(first, inFlight);
      List<WrapperCache.Entry> others = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        TensorBuffer t = TensorBuffer.allocate(ElementType.FLOAT32, 1, 4);
        tensors.add(t);
        cache.get(t, others);
        cache.release(others);
      }
      assertFalse(cache.contains(first), "evicted as the least recently used");
      assertEquals(1, cache.retiredCount(), "kept for the run still using it");
      cache.release(inFlight);
      assertEquals(0, cache.retiredCount());
    } finally {
      tensors.forEach(TensorBuffer::close);
    }
  }
}
