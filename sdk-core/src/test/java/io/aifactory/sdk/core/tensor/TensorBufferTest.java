package io.aifactory.sdk.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TensorBufferTest {

  @ParameterizedTest
  @EnumSource(ElementType.class)
  void shouldAllocateZeroedAlignedNativeOrderMemoryOfEveryType(ElementType type) {
    try (TensorBuffer t = TensorBuffer.allocate(type, 3, 5)) {
      assertEquals(type, t.elementType());
      assertArrayEquals(new long[] {3, 5}, t.shape());
      assertArrayEquals(new int[] {3, 5}, t.intShape());
      assertEquals(15, t.elementCount());
      assertEquals(15 * type.byteSize(), t.byteSize());
      ByteBuffer bytes = t.asByteBuffer();
      assertTrue(bytes.isDirect());
      assertEquals(ByteOrder.nativeOrder(), bytes.order());
      assertEquals(0, bytes.alignmentOffset(0, TensorBuffer.ALIGNMENT));
      assertEquals(0, bytes.position());
      assertEquals(t.byteSize(), bytes.remaining());
      for (int i = 0; i < bytes.limit(); i++) {
        assertEquals(0, bytes.get(i));
      }
    }
  }

  @Test
  void shouldSeeWritesThroughOneViewInEveryOtherView() {
    try (TensorBuffer t = TensorBuffer.allocate(ElementType.FLOAT32, 4, 3, 2)) {
      TensorBuffer slice = t.slice(1, 2);        // [2, 3, 2], elements 6..17
      TensorBuffer second = t.at(2);             // [3, 2], elements 12..17
      TensorBuffer flat = t.reshape(-1);         // [24]
      TensorBuffer range = t.range(13, 4);       // [4], elements 13..16

      assertArrayEquals(new long[] {2, 3, 2}, slice.shape());
      assertArrayEquals(new long[] {3, 2}, second.shape());
      assertArrayEquals(new long[] {24}, flat.shape());

      second.putFloat(1, 42f);                   // element 13 of the root
      assertEquals(42f, t.getFloat(13));
      assertEquals(42f, slice.getFloat(7));
      assertEquals(42f, flat.getFloat(13));
      assertEquals(42f, range.getFloat(0));

      range.putFloat(3, -1f);                    // element 16 of the root
      assertEquals(-1f, second.getFloat(4));
      assertEquals(-1f, t.asFloatBuffer().get(16));

      FloatBuffer fromView = second.asFloatBuffer();
      assertEquals(6, fromView.remaining());
      fromView.put(0, 7f);                       // element 12 of the root, written through the NIO buffer
      assertEquals(7f, t.getFloat(12));
    }
  }

  @Test
  void shouldHandOutFreshNativeOrderBuffersPositionedOnExactlyTheViewsBytes() {
    try (TensorBuffer t = TensorBuffer.allocate(ElementType.FLOAT32, 10, 4)) {
      TensorBuffer view = t.slice(3, 2);
      view.put(0, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
      ByteBuffer a = view.asByteBuffer();
      ByteBuffer b = view.asByteBuffer();
      assertTrue(a != b);
      a.position(8).limit(12);                   // a caller disturbing its own buffer ...
      assertEquals(0, b.position());             // ... does not disturb another's
      assertEquals(32, b.remaining());
      assertEquals(32, b.capacity());
      assertEquals(ByteOrder.nativeOrder(), b.order());
      assertEquals(1f, b.getFloat(0));
      FloatBuffer floats = view.asFloatBuffer();
      assertTrue(floats.isDirect());
      assertEquals(ByteOrder.nativeOrder(), floats.order());
      assertEquals(8, floats.remaining());
      assertEquals(8f, floats.get(7));
      // The bytes are the native representation, which is what a runtime reading raw memory sees.
      ByteBuffer nativeCopy = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putFloat(0, 1f);
      assertEquals(nativeCopy.get(0), b.get(0));
    }
  }

  @Test
  void shouldRoundTripEveryElementTypeThroughTypedAccessors() {
    try (TensorBuffer f64 = TensorBuffer.allocate(ElementType.FLOAT64, 2);
        TensorBuffer i32 = TensorBuffer.allocate(ElementType.INT32, 2);
        TensorBuffer i64 = TensorBuffer.allocate(ElementType.INT64, 2);
        TensorBuffer i8 = TensorBuffer.allocate(ElementType.INT8, 2);
        TensorBuffer u8 = TensorBuffer.allocate(ElementType.UINT8, 2);
        TensorBuffer bool = TensorBuffer.allocate(ElementType.BOOL, 2);
        TensorBuffer f16 = TensorBuffer.allocate(ElementType.FLOAT16, 2)) {
      f64.putDouble(1, Math.PI);
      assertEquals(Math.PI, f64.getDouble(1));
      assertEquals(Math.PI, f64.asDoubleBuffer().get(1));
      i32.putInt(1, -7);
      assertEquals(-7, i32.asIntBuffer().get(1));
      i64.putLong(1, Long.MIN_VALUE);
      assertEquals(Long.MIN_VALUE, i64.asLongBuffer().get(1));
      i8.putByte(0, (byte) -3);
      assertEquals(-3, i8.getByte(0));
      u8.putByte(1, (byte) 200);
      assertEquals(200, Byte.toUnsignedInt(u8.getByte(1)));
      bool.putBoolean(1, true);
      assertTrue(bool.getBoolean(1));
      assertEquals(1, bool.getByte(1));
      f16.putShort(0, (short) 0x3C00);           // 1.0 in half precision
      assertEquals((short) 0x3C00, f16.asShortBuffer().get(0));
    }
  }

  @Test
  void shouldBulkPutAndGetArrays() {
    try (TensorBuffer t = TensorBuffer.allocate(ElementType.FLOAT32, 2, 3);
        TensorBuffer d = TensorBuffer.allocate(ElementType.FLOAT64, 3);
        TensorBuffer l = TensorBuffer.allocate(ElementType.INT64, 3);
        TensorBuffer b = TensorBuffer.allocate(ElementType.UINT8, 3)) {
      t.put(1, new float[] {9, 1, 2, 3, 9}, 1, 3);
      float[] out = new float[6];
      t.get(0, out, 0, 6);
      assertArrayEquals(new float[] {0, 1, 2, 3, 0, 0}, out);
      d.put(0, new double[] {1, 2, 3});
      double[] dOut = new double[3];
      d.get(0, dOut, 0, 3);
      assertArrayEquals(new double[] {1, 2, 3}, dOut);
      l.put(1, new long[] {5, 6});
      long[] lOut = new long[3];
      l.get(0, lOut);
      assertArrayEquals(new long[] {0, 5, 6}, lOut);
      b.put(0, new byte[] {1, 2, 3});
      byte[] bOut = new byte[2];
      b.slice(1, 2).get(0, bOut);
      assertArrayEquals(new byte[] {2, 3}, bOut);
    }
  }

  @Test
  void shouldCopyBetweenTensorsOfEqualElementCountAndZero() {
    try (TensorBuffer src = TensorBuffer.allocate(ElementType.FLOAT32, 2, 3);
        TensorBuffer dst = TensorBuffer.allocate(ElementType.FLOAT32, 1, 6)) {
      src.put(0, new float[] {1, 2, 3, 4, 5, 6});
      src.copyTo(dst);
      assertEquals(6f, dst.getFloat(5));
      dst.slice(0, 1).range(2, 3).zero();
      float[] out = new float[6];
      dst.get(0, out, 0, 6);
      assertArrayEquals(new float[] {1, 2, 0, 0, 0, 6}, out);
      TensorException e = assertThrows(TensorException.class, () -> src.slice(0, 1).copyTo(dst));
      assertTrue(e.getMessage().contains("[1, 3]"), e.getMessage());
    }
  }

  @Test
  void shouldRejectShapeMistakesWithExpectedAndFoundShape() {
    try (TensorBuffer t = TensorBuffer.allocate(ElementType.FLOAT32, 256, 16)) {
      assertSame(t, t.requireShape(ElementType.FLOAT32, -1, 16));
      TensorException e = assertThrows(TensorException.class,
          () -> t.requireShape(ElementType.FLOAT32, 1, 256, 16));
      assertEquals("tensor shape mismatch: expected FLOAT32 [1, 256, 16], found FLOAT32 [256, 16]",
          e.getMessage());
      e = assertThrows(TensorException.class, () -> t.requireShape(ElementType.FLOAT64, 256, 16));
      assertTrue(e.getMessage().contains("expected FLOAT64 [256, 16], found FLOAT32 [256, 16]"));

      e = assertThrows(TensorException.class, () -> t.reshape(2, 100));
      assertTrue(e.getMessage().contains("expected 4096 elements, found shape [2, 100]"), e.getMessage());
      assertThrows(TensorException.class, () -> t.reshape(-1, 3));
      assertArrayEquals(new long[] {1, 256, 16}, t.reshape(1, -1, 16).shape());

      e = assertThrows(TensorException.class, () -> t.slice(250, 7));
      assertTrue(e.getMessage().contains("index=250 length=7 dim0=256"), e.getMessage());
      assertThrows(TensorException.class, () -> t.at(256));
      assertThrows(TensorException.class, () -> t.range(4090, 7));
      assertThrows(TensorException.class, () -> TensorBuffer.allocate(ElementType.FLOAT32, 2, -1));
      assertThrows(TensorException.class,
          () -> TensorBuffer.allocate(ElementType.FLOAT64, Integer.MAX_VALUE, 2));
    }
  }

  @Test
  void shouldRejectWrongElementTypeAndOutOfBoundsIndexes() {
    try (TensorBuffer t = TensorBuffer.allocate(ElementType.FLOAT32, 4)) {
      TensorException e = assertThrows(TensorException.class, () -> t.getInt(0));
      assertEquals("tensor element type mismatch: expected INT32, found FLOAT32 [4]", e.getMessage());
      assertThrows(TensorException.class, () -> t.asDoubleBuffer());
      assertThrows(TensorException.class, () -> t.getByte(0));
      assertThrows(TensorException.class, () -> t.put(0, new double[1]));
      e = assertThrows(TensorException.class, () -> t.getFloat(4));
      assertTrue(e.getMessage().contains("index=4 elements=4"), e.getMessage());
      assertThrows(TensorException.class, () -> t.putFloat(-1, 0f));
      assertThrows(TensorException.class, () -> t.slice(2, 2).getFloat(2));
      assertThrows(TensorException.class, () -> t.put(2, new float[3]));
    }
  }

  @Test
  void shouldKeepParentUsableWhenViewClosedAndViewsUnusableWhenParentClosed() {
    TensorBuffer t = TensorBuffer.allocate(ElementType.FLOAT32, 4, 2);
    TensorBuffer view = t.slice(1, 2);
    TensorBuffer other = t.at(0);
    view.close();
    view.close();
    assertTrue(view.isClosed());
    assertThrows(TensorException.class, () -> view.getFloat(0));
    t.putFloat(0, 1f);
    assertEquals(1f, other.getFloat(0));
    assertFalse(t.isClosed());

    t.close();
    assertTrue(other.isClosed());
    assertThrows(TensorException.class, () -> other.getFloat(0));
    assertThrows(TensorException.class, t::asByteBuffer);
    assertThrows(TensorException.class, () -> t.slice(0, 1));
  }

  @Test
  void shouldCallViewsOfTheSameBytesTypeAndShapeTheSameRegion() {
    try (TensorBuffer t = TensorBuffer.allocate(ElementType.FLOAT32, 8, 4);
        TensorBuffer twin = TensorBuffer.allocate(ElementType.FLOAT32, 8, 4)) {
      TensorBuffer view = t.slice(2, 3);
      assertTrue(view.isSameRegion(t.slice(2, 3)), "a new view object over the same rows");
      assertTrue(view.isSameRegion(t.range(8, 12).reshape(3, 4)), "the same bytes reached another way");
      assertTrue(t.isSameRegion(t));
      assertFalse(view.isSameRegion(t.slice(3, 3)), "one row later");
      assertFalse(view.isSameRegion(t.slice(2, 2)), "fewer rows");
      assertFalse(view.isSameRegion(t.slice(2, 3).reshape(1, 3, 4)), "same bytes, another shape");
      assertFalse(view.isSameRegion(twin.slice(2, 3)), "another root");
      assertFalse(t.isSameRegion(t.reshape(4, 8)));
    }
  }

  @Test
  void shouldSupportScalarsAndEmptyTensors() {
    try (TensorBuffer scalar = TensorBuffer.allocate(ElementType.INT64);
        TensorBuffer empty = TensorBuffer.allocate(ElementType.FLOAT32, 0, 16)) {
      assertEquals(0, scalar.rank());
      assertEquals(1, scalar.elementCount());
      scalar.putLong(0, 9L);
      assertEquals(9L, scalar.asLongBuffer().get(0));
      assertThrows(TensorException.class, () -> scalar.slice(0, 1));
      assertEquals(0, empty.byteSize());
      assertEquals(0, empty.asByteBuffer().remaining());
      assertEquals(0, empty.reshape(-1, 8).dim(0));
    }
  }

  @Test
  void shouldDescribeItselfWithTypeAndShape() {
    try (TensorBuffer t = TensorBuffer.allocate(ElementType.FLOAT32, 256, 16)) {
      assertEquals("TensorBuffer[FLOAT32 [256, 16]]", t.toString());
      assertEquals("TensorBuffer[FLOAT32 [2, 16], view]", t.slice(0, 2).toString());
    }
  }
}
