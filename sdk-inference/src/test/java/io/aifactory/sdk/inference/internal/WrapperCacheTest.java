package io.aifactory.sdk.inference.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
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
  void shouldEvictTheLeastRecentlyUsedOfRegionsThatAreNeverSeenAgain() throws Exception {
    // A steady input used every cycle, and a view of a window that moves on by one row per cycle, never closed.
    try (TensorBuffer window = TensorBuffer.allocate(ElementType.FLOAT32, 400, 4);
        TensorBuffer steady = TensorBuffer.allocate(ElementType.FLOAT32, 1, 4)) {
      List<TensorBuffer> views = new ArrayList<>();
      OnnxTensor steadyWrapper = null;
      for (int cycle = 0; cycle < 300; cycle++) {
        List<WrapperCache.Entry> run = new ArrayList<>();
        OnnxTensor w = cache.get(steady, run);
        steadyWrapper = steadyWrapper == null ? w : steadyWrapper;
        assertSame(steadyWrapper, w, "cycle " + cycle + ": the steady input keeps its wrapper");
        TensorBuffer view = window.slice(cycle, 4);
        views.add(view);
        assertNotNull(cache.get(view, run));
        cache.release(run);
      }
      assertEquals(64, cache.size());
      assertFalse(cache.contains(views.get(0)), "the oldest region is no longer pinned");
      assertTrue(cache.contains(views.get(views.size() - 1)));
      assertEquals(0, cache.retiredCount());
    }
  }

  @Test
  void shouldGiveAFreshViewOfTheSameRegionTheSameWrapperAndAnotherRegionItsOwn() throws Exception {
    try (TensorBuffer window = TensorBuffer.allocate(ElementType.FLOAT32, 8, 4)) {
      List<WrapperCache.Entry> run = new ArrayList<>();
      OnnxTensor first = cache.get(window.slice(2, 3), run);
      for (int call = 0; call < 10; call++) {
        assertSame(first, cache.get(window.slice(2, 3), run), "call " + call + ": a new view object, same rows");
      }
      assertEquals(1, cache.createdCount());

      OnnxTensor moved = cache.get(window.slice(3, 3), run);
      assertNotSame(first, moved, "one row later is other memory");
      assertArrayEquals(new long[] {3, 4}, moved.getInfo().getShape());
      OnnxTensor reshaped = cache.get(window.slice(2, 3).reshape(1, 3, 4), run);
      assertNotSame(first, reshaped, "the same bytes with another shape are another ONNX Runtime tensor");
      assertArrayEquals(new long[] {1, 3, 4}, reshaped.getInfo().getShape());
      assertEquals(3, cache.createdCount());
      cache.release(run);
    }
  }

  @Test
  void shouldKeepAnEntryWhenItsViewIsClosedAndRetireItWhenTheRootIsClosed() throws Exception {
    TensorBuffer window = TensorBuffer.allocate(ElementType.FLOAT32, 8, 4);
    try (TensorBuffer other = TensorBuffer.allocate(ElementType.FLOAT32, 1, 4)) {
      List<WrapperCache.Entry> run = new ArrayList<>();
      TensorBuffer view = window.slice(2, 3);
      OnnxTensor wrapper = cache.get(view, run);
      cache.release(run);
      view.close(); // try-with-resources on each cycle's view: the root, and so the wrapper, is still valid

      cache.get(other, run); // a miss sweeps entries whose root was closed
      cache.release(run);
      assertTrue(cache.contains(window.slice(2, 3)));
      assertSame(wrapper, cache.get(window.slice(2, 3), run));
      cache.release(run);

      window.close();
      cache.get(other.reshape(4), run); // another miss sweeps again
      cache.release(run);
      assertEquals(2, cache.size(), "the window's entry is gone: only other's two shapes remain");
      assertEquals(0, cache.retiredCount());
    }
  }

  @Test
  void shouldNotFreeAViewsWrapperUnderARunWhenItsRootIsClosed() throws Exception {
    TensorBuffer window = TensorBuffer.allocate(ElementType.FLOAT32, 8, 4);
    try (TensorBuffer other = TensorBuffer.allocate(ElementType.FLOAT32, 1, 4)) {
      List<WrapperCache.Entry> inFlight = new ArrayList<>();
      OnnxTensor wrapper = cache.get(window.slice(0, 2), inFlight);
      window.close();
      List<WrapperCache.Entry> next = new ArrayList<>();
      cache.get(other, next);
      assertEquals(1, cache.retiredCount(), "retired, but the run in flight still reads it");
      assertArrayEquals(new long[] {2, 4}, wrapper.getInfo().getShape(), "not closed yet");
      cache.release(inFlight);
      assertEquals(0, cache.retiredCount());
      cache.release(next);
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
