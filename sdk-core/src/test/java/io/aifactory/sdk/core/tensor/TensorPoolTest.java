package io.aifactory.sdk.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TensorPoolTest {

  @Test
  void shouldReuseMemoryOfAClosedTensorForTheSameSize() {
    try (TensorPool pool = TensorPool.create()) {
      TensorBuffer first = pool.acquire(ElementType.FLOAT32, 256, 16);
      first.putFloat(0, 3f);
      first.close();
      // Same byte size, different type and shape: the memory is reused, not reallocated.
      TensorBuffer second = pool.acquire(ElementType.INT32, 16, 256);
      assertEquals(1, pool.allocations());
      assertEquals(1, pool.reuses());
      assertEquals(Float.floatToRawIntBits(3f), second.getInt(0)); // contents are not cleared
      assertArrayEquals(new long[] {16, 256}, second.shape());
      assertEquals(0, second.asByteBuffer().alignmentOffset(0, TensorBuffer.ALIGNMENT));
      second.close();
      pool.checkNoLeaks();
    }
  }

  @Test
  void shouldAllocateAgainForADifferentSize() {
    try (TensorPool pool = TensorPool.create()) {
      pool.acquire(ElementType.FLOAT32, 16).close();
      pool.acquire(ElementType.FLOAT32, 64).close();
      assertEquals(2, pool.allocations());
      assertEquals(0, pool.reuses());
      assertEquals(64 + 256, pool.retainedBytes());
    }
  }

  @Test
  void shouldNotReturnMemoryWhenAViewIsClosed() {
    try (TensorPool pool = TensorPool.create()) {
      TensorBuffer tensor = pool.acquire(ElementType.FLOAT32, 4, 4);
      tensor.slice(0, 2).close();
      assertEquals(1, pool.outstanding());
      tensor.close();
      tensor.close();
      assertEquals(0, pool.outstanding());
      assertEquals(64, pool.retainedBytes());
    }
  }

  @Test
  void shouldNotLetAStaleReferenceWriteIntoTheNextUsersTensor() {
    try (TensorPool pool = TensorPool.create()) {
      TensorBuffer stale = pool.acquire(ElementType.FLOAT32, 8);
      TensorBuffer staleView = stale.range(0, 4);
      stale.close();
      TensorBuffer next = pool.acquire(ElementType.FLOAT32, 8);
      assertThrows(TensorException.class, () -> stale.putFloat(0, 1f));
      assertThrows(TensorException.class, () -> staleView.putFloat(0, 1f));
      next.close();
    }
  }

  @Test
  void shouldReportLeakedTensorsWithWhereTheyWereAcquired() {
    try (TensorPool pool = TensorPool.newBuilder().recordAcquireSites(true).build()) {
      TensorBuffer leaked = pool.acquire(ElementType.FLOAT32, 1, 256, 16);
      pool.acquire(ElementType.UINT8, 3).close();
      assertEquals(1, pool.outstanding());
      TensorException e = assertThrows(TensorException.class, pool::checkNoLeaks);
      assertTrue(e.getMessage().contains("expected 0 outstanding tensors, found 1"), e.getMessage());
      assertTrue(e.getMessage().contains("FLOAT32 [1, 256, 16]"), e.getMessage());
      assertEquals(1, e.getSuppressed().length);
      assertTrue(Arrays.stream(e.getSuppressed()[0].getStackTrace())
          .anyMatch(f -> f.getMethodName().equals("shouldReportLeakedTensorsWithWhereTheyWereAcquired")));
      leaked.close();
      assertDoesNotThrow(pool::checkNoLeaks);
    }
  }

  @Test
  void shouldKeepNoMoreThanMaxRetainedBytes() {
    try (TensorPool pool = TensorPool.newBuilder().maxRetainedBytes(100).build()) {
      TensorBuffer a = pool.acquire(ElementType.INT8, 64);
      TensorBuffer b = pool.acquire(ElementType.INT8, 64);
      a.close();
      b.close();
      assertEquals(64, pool.retainedBytes());
    }
  }

  @Test
  void shouldRefuseToAcquireAfterCloseButLetOutstandingTensorsClose() {
    TensorPool pool = TensorPool.create();
    TensorBuffer tensor = pool.acquire(ElementType.FLOAT64, 2);
    pool.close();
    assertThrows(TensorException.class, () -> pool.acquire(ElementType.FLOAT64, 2));
    tensor.putDouble(0, 1.0);
    tensor.close();
    assertEquals(0, pool.outstanding());
    assertEquals(0, pool.retainedBytes());
  }
}
