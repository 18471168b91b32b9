package io.aifactory.sdk.core.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;

/**
 * A typed, shaped tensor over off-heap memory in native byte order, whose first byte is 64-byte aligned.
 *
 * <p>Views ({@link #slice}, {@link #at}, {@link #reshape}, {@link #range}) share the memory of the tensor they
 * come from and never copy: a write through one is seen through every other. Every tensor is dense and
 * row-major (C order), so a view is always one contiguous run of bytes, and {@link #asByteBuffer()} hands out
 * exactly those bytes as a direct, native-order buffer that an inference runtime can wrap without copying.
 *
 * <pre>{@code
 * try (TensorBuffer input = TensorBuffer.allocate(ElementType.FLOAT32, 1, 256, 16)) {
 *   input.put(0, samples);                      // bulk put from a float[]
 *   FloatBuffer forRuntime = input.asFloatBuffer(); // direct, native order, no copy
 * }
 * }</pre>
 *
 * <p>Indexes are element indexes within the tensor (or view), in row-major order, and are always
 * bounds-checked. The typed accessors check the element type: reading a FLOAT32 tensor with
 * {@link #getInt(int)} is a {@link TensorException}, not a reinterpretation.
 *
 * <p>Memory and lifetime: {@link #allocate} returns a root tensor that owns its memory;
 * {@link TensorPool#acquire} returns one whose memory goes back to the pool on {@link #close()}. Closing a
 * view only makes that view unusable; closing a root makes it and all its views unusable. Java frees direct
 * memory only when the garbage collector finds it unreachable, so buffers obtained from
 * {@link #asByteBuffer()} stay valid (and keep the memory alive) even after close — do not keep them.
 *
 * <p>Threads: a tensor has no locks. Any number of threads may read and write elements concurrently, with
 * the visibility guarantees of plain memory accesses; {@link Window} documents how it publishes rows.
 * Closing a tensor while another thread uses it is a bug that is detected only on a best-effort basis.
 */
public final class TensorBuffer implements AutoCloseable {
  /** Alignment in bytes of every root tensor's first byte: a cache line, enough for any vector load. */
  public static final int ALIGNMENT = 64;

  /** Largest tensor in bytes: a {@link ByteBuffer} is indexed by {@code int}. */
  public static final int MAX_BYTE_SIZE = Integer.MAX_VALUE - 2 * ALIGNMENT;

  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

  /** The root's memory, native order, position 0; used with absolute indexes only and never handed out. */
  private final ByteBuffer memory;
  private final TensorBuffer root;
  private final TensorPool pool;
  private final ElementType type;
  /** Never mutated after construction, so views may share one array. */
  private final long[] shape;
  private final int offset;
  private final int elementCount;
  private final int byteSize;
  private boolean closed;

  /** A root tensor over {@code memory}, which must come from {@link #allocateAligned(int)}. */
  TensorBuffer(ByteBuffer memory, ElementType type, long[] shape, int elementCount, TensorPool pool) {
    this.memory = memory;
    this.root = this;
    this.pool = pool;
    this.type = type;
    this.shape = shape;
    this.offset = 0;
    this.elementCount = elementCount;
    this.byteSize = elementCount * type.byteSize();
  }

  private TensorBuffer(TensorBuffer parent, int offset, long[] shape, int elementCount) {
    this.memory = parent.memory;
    this.root = parent.root;
    this.pool = null;
    this.type = parent.type;
    this.shape = shape;
    this.offset = offset;
    this.elementCount = elementCount;
    this.byteSize = elementCount * type.byteSize();
  }

  /**
   * Allocates a zero-filled tensor that owns new direct memory.
   *
   * <p>Direct memory is expensive to allocate and is freed only by the garbage collector; for tensors
   * allocated repeatedly, use a {@link TensorPool}.
   *
   * @throws TensorException if a dimension is negative or the tensor would exceed {@link #MAX_BYTE_SIZE}
   */
  public static TensorBuffer allocate(ElementType type, long... shape) {
    long[] copy = shape.clone();
    int count = checkedElementCount(type, copy);
    return new TensorBuffer(allocateAligned(count * type.byteSize()), type, copy, count, null);
  }

  /**
   * Returns native-order direct memory of at least {@code bytes} bytes (rounded up to a multiple of
   * {@link #ALIGNMENT}) whose first byte is at an address that is a multiple of {@link #ALIGNMENT}.
   */
  static ByteBuffer allocateAligned(int bytes) {
    int capacity = alignedCapacity(bytes);
    // Over-allocate by one alignment unit, then cut at the first aligned address: the JDK gives no
    // alignment guarantee for allocateDirect beyond 8 bytes.
    ByteBuffer raw = ByteBuffer.allocateDirect(capacity + ALIGNMENT);
    ByteBuffer aligned = raw.alignedSlice(ALIGNMENT);
    // Slices always start big-endian; native order is set once here and on every buffer handed out.
    return aligned.limit(capacity).slice().order(NATIVE);
  }

  static int alignedCapacity(int bytes) {
    return (bytes + ALIGNMENT - 1) & -ALIGNMENT;
  }

  /** Returns the element count of {@code shape}, checking every dimension and the total size. */
  static int checkedElementCount(ElementType type, long[] shape) {
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0 || shape[i] > Integer.MAX_VALUE) {
        throw new TensorException("shape " + Arrays.toString(shape) + ": dimension " + i + " out of range: "
            + shape[i]);
      }
      count *= shape[i];
      if (count * type.byteSize() > MAX_BYTE_SIZE) {
        throw new TensorException(type + " " + Arrays.toString(shape) + " exceeds " + MAX_BYTE_SIZE
            + " bytes");
      }
    }
    return (int) count;
  }

  /** Returns the element type. */
  public ElementType elementType() {
    return type;
  }

  /** Returns a copy of the shape, as inference runtimes take it. */
  public long[] shape() {
    return shape.clone();
  }

  /** Returns a copy of the shape as {@code int}s; every dimension fits, since a tensor fits in an int. */
  public int[] intShape() {
    int[] result = new int[shape.length];
    for (int i = 0; i < shape.length; i++) {
      result[i] = (int) shape[i];
    }
    return result;
  }

  /** Returns the number of dimensions; 0 for a scalar. */
  public int rank() {
    return shape.length;
  }

  /**
   * Returns the size of dimension {@code axis}.
   *
   * @throws TensorException if {@code axis} is not in {@code [0, rank())}
   */
  public int dim(int axis) {
    if (axis < 0 || axis >= shape.length) {
      throw new TensorException(this + ": axis=" + axis + " rank=" + shape.length);
    }
    return (int) shape[axis];
  }

  /** Returns the number of elements: the product of the dimensions. */
  public int elementCount() {
    return elementCount;
  }

  /** Returns the number of bytes this tensor (or view) covers. */
  public int byteSize() {
    return byteSize;
  }

  /** Returns true if this tensor is a view of another, that is, it does not own its memory. */
  public boolean isView() {
    return root != this;
  }

  /** Returns true if this tensor, or the root it is a view of, has been closed. */
  public boolean isClosed() {
    return closed || root.closed;
  }

  /**
   * Returns true if {@code other} has this tensor's element type and shape over exactly the same bytes of the
   * same root tensor: for example two calls of {@code window.latestBatch(n)} while no row was appended. Whatever
   * wraps one's memory (an inference runtime's tensor) is a valid wrapper of the other for as long as the root is
   * open, whichever view objects come and go. A view of the same rows with another shape is not the same region.
   */
  public boolean isSameRegion(TensorBuffer other) {
    if (other == this) {
      return true;
    }
    if (other.root != root || other.offset != offset || other.type != type || other.elementCount != elementCount) {
      return false;
    }
    // Windows hand every view of one n the same shape array, so this is usually one comparison.
    return other.shape == shape || Arrays.equals(other.shape, shape);
  }

  /** Returns true if this tensor has the given element type and shape. */
  public boolean hasShape(ElementType expectedType, long... expectedShape) {
    if (expectedType != type || expectedShape.length != shape.length) {
      return false;
    }
    for (int i = 0; i < shape.length; i++) {
      if (expectedShape[i] != -1 && expectedShape[i] != shape[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks the element type and shape; a dimension of {@code -1} matches any size.
   *
   * @return this tensor
   * @throws TensorException naming the expected and found type and shape, if they differ
   */
  public TensorBuffer requireShape(ElementType expectedType, long... expectedShape) {
    if (!hasShape(expectedType, expectedShape)) {
      throw new TensorException("tensor shape mismatch: expected " + expectedType + " "
          + Arrays.toString(expectedShape) + ", found " + type + " " + Arrays.toString(shape));
    }
    return this;
  }

  // ---------------------------------------------------------------------------------------------- views

  /**
   * Returns a view of {@code length} entries of the first axis starting at {@code index}: a tensor of shape
   * {@code [length, d1, d2, ...]} over the same memory.
   *
   * @throws TensorException if this is a scalar or the range is out of bounds
   */
  public TensorBuffer slice(int index, int length) {
    checkOpen();
    int first = firstDim("slice");
    if (index < 0 || length < 0 || index > first - length) {
      throw new TensorException(this + ": slice index=" + index + " length=" + length + " dim0=" + first);
    }
    long[] viewShape = shape.clone();
    viewShape[0] = length;
    int rowElements = first == 0 ? 0 : elementCount / first;
    return new TensorBuffer(this, offset + index * rowElements * type.byteSize(), viewShape,
        length * rowElements);
  }

  /**
   * Returns a view of entry {@code index} of the first axis, with that axis removed: for a tensor of shape
   * {@code [batch, time, features]}, {@code at(b)} has shape {@code [time, features]}.
   *
   * @throws TensorException if this is a scalar or {@code index} is out of bounds
   */
  public TensorBuffer at(int index) {
    checkOpen();
    int first = firstDim("at");
    if (index < 0 || index >= first) {
      throw new TensorException(this + ": at index=" + index + " dim0=" + first);
    }
    int rowElements = elementCount / first;
    return new TensorBuffer(this, offset + index * rowElements * type.byteSize(),
        Arrays.copyOfRange(shape, 1, shape.length), rowElements);
  }

  /**
   * Returns a view of the same elements with another shape; one dimension may be {@code -1}, meaning
   * whatever makes the element count match.
   *
   * @throws TensorException if the element counts differ, naming both shapes
   */
  public TensorBuffer reshape(long... newShape) {
    checkOpen();
    long[] copy = newShape.clone();
    int inferred = -1;
    long product = 1;
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] == -1 && inferred < 0) {
        inferred = i;
      } else if (copy[i] < 0 || copy[i] > Integer.MAX_VALUE) {
        throw reshapeMismatch(newShape);
      } else {
        // Saturate above int range: no tensor has that many elements, and it keeps the product exact below.
        product = Math.min(product * copy[i], Integer.MAX_VALUE + 1L);
      }
    }
    if (inferred >= 0) {
      if (product == 0 || elementCount % product != 0) {
        throw reshapeMismatch(newShape);
      }
      copy[inferred] = elementCount / product;
    } else if (product != elementCount) {
      throw reshapeMismatch(newShape);
    }
    return new TensorBuffer(this, offset, copy, elementCount);
  }

  private TensorException reshapeMismatch(long[] newShape) {
    return new TensorException("cannot reshape " + this + ": expected " + elementCount
        + " elements, found shape " + Arrays.toString(newShape));
  }

  /**
   * Returns a rank-1 view of {@code length} elements starting at element {@code index}, in row-major order.
   *
   * @throws TensorException if the range is out of bounds
   */
  public TensorBuffer range(int index, int length) {
    checkOpen();
    if (index < 0 || length < 0 || index > elementCount - length) {
      throw new TensorException(this + ": range index=" + index + " length=" + length + " elements="
          + elementCount);
    }
    return new TensorBuffer(this, offset + index * type.byteSize(), new long[] {length}, length);
  }

  /**
   * Returns a view starting {@code byteOffset} bytes into this tensor with a shape the caller will never
   * mutate; for hot paths (windows) that re-use shape arrays to avoid allocating them.
   */
  TensorBuffer view(int byteOffset, long[] sharedShape, int count) {
    checkOpen();
    if (byteOffset < 0 || byteOffset > byteSize - count * type.byteSize()) {
      throw new TensorException(this + ": view byteOffset=" + byteOffset + " elements=" + count);
    }
    return new TensorBuffer(this, offset + byteOffset, sharedShape, count);
  }

  private int firstDim(String operation) {
    if (shape.length == 0) {
      throw new TensorException(this + ": " + operation + " needs rank >= 1");
    }
    return (int) shape[0];
  }

  // ------------------------------------------------------------------------------------ buffers out

  /**
   * Returns a new direct, native-order buffer over exactly this tensor's bytes: position 0, limit and
   * capacity {@link #byteSize()}. Each call returns a fresh buffer, so callers cannot disturb each other's
   * position or limit. This is what an inference runtime wraps without copying.
   */
  public ByteBuffer asByteBuffer() {
    checkOpen();
    return memory.slice(offset, byteSize).order(NATIVE);
  }

  /**
   * Returns a new direct, native-order float buffer over exactly this tensor's elements.
   *
   * @throws TensorException if the element type is not FLOAT32
   */
  public FloatBuffer asFloatBuffer() {
    checkType(ElementType.FLOAT32);
    return asByteBuffer().asFloatBuffer();
  }

  /**
   * Returns a new direct, native-order double buffer over exactly this tensor's elements.
   *
   * @throws TensorException if the element type is not FLOAT64
   */
  public DoubleBuffer asDoubleBuffer() {
    checkType(ElementType.FLOAT64);
    return asByteBuffer().asDoubleBuffer();
  }

  /**
   * Returns a new direct, native-order int buffer over exactly this tensor's elements.
   *
   * @throws TensorException if the element type is not INT32
   */
  public IntBuffer asIntBuffer() {
    checkType(ElementType.INT32);
    return asByteBuffer().asIntBuffer();
  }

  /**
   * Returns a new direct, native-order long buffer over exactly this tensor's elements.
   *
   * @throws TensorException if the element type is not INT64
   */
  public LongBuffer asLongBuffer() {
    checkType(ElementType.INT64);
    return asByteBuffer().asLongBuffer();
  }

  /**
   * Returns a new direct, native-order short buffer over exactly this tensor's raw half-precision bits.
   *
   * @throws TensorException if the element type is not FLOAT16
   */
  public ShortBuffer asShortBuffer() {
    checkType(ElementType.FLOAT16);
    return asByteBuffer().asShortBuffer();
  }

  // ------------------------------------------------------------------------------- element access

  /** Returns FLOAT32 element {@code index}. */
  public float getFloat(int index) {
    return memory.getFloat(offsetOf(ElementType.FLOAT32, index));
  }

  /** Writes FLOAT32 element {@code index}. */
  public void putFloat(int index, float value) {
    memory.putFloat(offsetOf(ElementType.FLOAT32, index), value);
  }

  /** Returns FLOAT64 element {@code index}. */
  public double getDouble(int index) {
    return memory.getDouble(offsetOf(ElementType.FLOAT64, index));
  }

  /** Writes FLOAT64 element {@code index}. */
  public void putDouble(int index, double value) {
    memory.putDouble(offsetOf(ElementType.FLOAT64, index), value);
  }

  /** Returns INT32 element {@code index}. */
  public int getInt(int index) {
    return memory.getInt(offsetOf(ElementType.INT32, index));
  }

  /** Writes INT32 element {@code index}. */
  public void putInt(int index, int value) {
    memory.putInt(offsetOf(ElementType.INT32, index), value);
  }

  /** Returns INT64 element {@code index}. */
  public long getLong(int index) {
    return memory.getLong(offsetOf(ElementType.INT64, index));
  }

  /** Writes INT64 element {@code index}. */
  public void putLong(int index, long value) {
    memory.putLong(offsetOf(ElementType.INT64, index), value);
  }

  /**
   * Returns element {@code index} of an INT8, UINT8 or BOOL tensor; for UINT8 use
   * {@link Byte#toUnsignedInt(byte)}.
   */
  public byte getByte(int index) {
    return memory.get(byteAt(index));
  }

  /** Writes element {@code index} of an INT8, UINT8 or BOOL tensor. */
  public void putByte(int index, byte value) {
    memory.put(byteAt(index), value);
  }

  /** Returns BOOL element {@code index}: any non-zero byte is true. */
  public boolean getBoolean(int index) {
    return memory.get(offsetOf(ElementType.BOOL, index)) != 0;
  }

  /** Writes BOOL element {@code index} as 1 or 0. */
  public void putBoolean(int index, boolean value) {
    memory.put(offsetOf(ElementType.BOOL, index), value ? (byte) 1 : (byte) 0);
  }

  /** Returns the raw half-precision bits of FLOAT16 element {@code index}. */
  public short getShort(int index) {
    return memory.getShort(offsetOf(ElementType.FLOAT16, index));
  }

  /** Writes the raw half-precision bits of FLOAT16 element {@code index}. */
  public void putShort(int index, short value) {
    memory.putShort(offsetOf(ElementType.FLOAT16, index), value);
  }

  // ------------------------------------------------------------------------------------ bulk access

  /** Writes {@code src} into FLOAT32 elements {@code index ..< index + src.length}. */
  public void put(int index, float[] src) {
    put(index, src, 0, src.length);
  }

  /** Writes {@code src[srcOffset ..< srcOffset + length]} into FLOAT32 elements from {@code index}. */
  public void put(int index, float[] src, int srcOffset, int length) {
    int at = bulkAt(ElementType.FLOAT32, index, length, src.length, srcOffset);
    for (int i = 0; i < length; i++, at += Float.BYTES) {
      memory.putFloat(at, src[srcOffset + i]);
    }
  }

  /** Reads FLOAT32 elements from {@code index} into {@code dst[dstOffset ..< dstOffset + length]}. */
  public void get(int index, float[] dst, int dstOffset, int length) {
    int at = bulkAt(ElementType.FLOAT32, index, length, dst.length, dstOffset);
    for (int i = 0; i < length; i++, at += Float.BYTES) {
      dst[dstOffset + i] = memory.getFloat(at);
    }
  }

  /** Writes {@code src} into FLOAT64 elements {@code index ..< index + src.length}. */
  public void put(int index, double[] src) {
    put(index, src, 0, src.length);
  }

  /** Writes {@code src[srcOffset ..< srcOffset + length]} into FLOAT64 elements from {@code index}. */
  public void put(int index, double[] src, int srcOffset, int length) {
    int at = bulkAt(ElementType.FLOAT64, index, length, src.length, srcOffset);
    for (int i = 0; i < length; i++, at += Double.BYTES) {
      memory.putDouble(at, src[srcOffset + i]);
    }
  }

  /** Reads FLOAT64 elements from {@code index} into {@code dst[dstOffset ..< dstOffset + length]}. */
  public void get(int index, double[] dst, int dstOffset, int length) {
    int at = bulkAt(ElementType.FLOAT64, index, length, dst.length, dstOffset);
    for (int i = 0; i < length; i++, at += Double.BYTES) {
      dst[dstOffset + i] = memory.getDouble(at);
    }
  }

  /** Writes {@code src} into INT32 elements {@code index ..< index + src.length}. */
  public void put(int index, int[] src) {
    int at = bulkAt(ElementType.INT32, index, src.length, src.length, 0);
    for (int i = 0; i < src.length; i++, at += Integer.BYTES) {
      memory.putInt(at, src[i]);
    }
  }

  /** Reads INT32 elements from {@code index} into all of {@code dst}. */
  public void get(int index, int[] dst) {
    int at = bulkAt(ElementType.INT32, index, dst.length, dst.length, 0);
    for (int i = 0; i < dst.length; i++, at += Integer.BYTES) {
      dst[i] = memory.getInt(at);
    }
  }

  /** Writes {@code src} into INT64 elements {@code index ..< index + src.length}. */
  public void put(int index, long[] src) {
    int at = bulkAt(ElementType.INT64, index, src.length, src.length, 0);
    for (int i = 0; i < src.length; i++, at += Long.BYTES) {
      memory.putLong(at, src[i]);
    }
  }

  /** Reads INT64 elements from {@code index} into all of {@code dst}. */
  public void get(int index, long[] dst) {
    int at = bulkAt(ElementType.INT64, index, dst.length, dst.length, 0);
    for (int i = 0; i < dst.length; i++, at += Long.BYTES) {
      dst[i] = memory.getLong(at);
    }
  }

  /** Writes {@code src} into elements {@code index ..< index + src.length} of an INT8, UINT8 or BOOL tensor. */
  public void put(int index, byte[] src) {
    checkOpen();
    checkByteType();
    checkRange(index, src.length);
    memory.put(offset + index, src, 0, src.length);
  }

  /** Reads elements from {@code index} of an INT8, UINT8 or BOOL tensor into all of {@code dst}. */
  public void get(int index, byte[] dst) {
    checkOpen();
    checkByteType();
    checkRange(index, dst.length);
    memory.get(offset + index, dst, 0, dst.length);
  }

  /** Writes {@code src} into FLOAT16 elements (raw bits) {@code index ..< index + src.length}. */
  public void put(int index, short[] src) {
    int at = bulkAt(ElementType.FLOAT16, index, src.length, src.length, 0);
    for (int i = 0; i < src.length; i++, at += Short.BYTES) {
      memory.putShort(at, src[i]);
    }
  }

  /** Reads FLOAT16 elements (raw bits) from {@code index} into all of {@code dst}. */
  public void get(int index, short[] dst) {
    int at = bulkAt(ElementType.FLOAT16, index, dst.length, dst.length, 0);
    for (int i = 0; i < dst.length; i++, at += Short.BYTES) {
      dst[i] = memory.getShort(at);
    }
  }

  /**
   * Copies every element of this tensor into {@code dst}, which must have the same element type and
   * element count (its shape may differ). The two may share memory only if they do not overlap.
   *
   * @throws TensorException naming both tensors if type or element count differ
   */
  public void copyTo(TensorBuffer dst) {
    checkOpen();
    dst.checkOpen();
    if (dst.type != type || dst.elementCount != elementCount) {
      throw new TensorException("cannot copy " + this + " into " + dst + ": expected " + type + " with "
          + elementCount + " elements");
    }
    dst.memory.put(dst.offset, memory, offset, byteSize);
  }

  /** Sets every byte of this tensor to zero. */
  public void zero() {
    checkOpen();
    int end = offset + byteSize;
    int i = offset;
    for (; i + Long.BYTES <= end; i += Long.BYTES) {
      memory.putLong(i, 0L);
    }
    for (; i < end; i++) {
      memory.put(i, (byte) 0);
    }
  }

  /**
   * Closes this tensor. For a view, only the view becomes unusable. For a root tensor, it and all its views
   * become unusable, and pooled memory goes back to its pool. Closing twice does nothing.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (pool != null) {
      pool.release(this);
    }
  }

  /** Memory of a root tensor, for its pool. */
  ByteBuffer memory() {
    return memory;
  }

  /** Byte offset of this tensor's first element within {@link #memory()}. */
  int offset() {
    return offset;
  }

  /** The tensor this is a view of, or this tensor if it is a root. */
  TensorBuffer root() {
    return root;
  }

  /** Returns e.g. {@code TensorBuffer[FLOAT32 [256, 16], view]}. */
  @Override
  public String toString() {
    return "TensorBuffer[" + type + " " + Arrays.toString(shape) + (isView() ? ", view" : "")
        + (isClosed() ? ", closed" : "") + "]";
  }

  // ------------------------------------------------------------------------------------- checks

  private int offsetOf(ElementType expected, int index) {
    checkOpen();
    if (type != expected) {
      throw typeMismatch(expected.toString());
    }
    if (index < 0 || index >= elementCount) {
      throw new TensorException(this + ": index=" + index + " elements=" + elementCount);
    }
    return offset + index * expected.byteSize();
  }

  private int byteAt(int index) {
    checkOpen();
    checkByteType();
    if (index < 0 || index >= elementCount) {
      throw new TensorException(this + ": index=" + index + " elements=" + elementCount);
    }
    return offset + index;
  }

  private int bulkAt(ElementType expected, int index, int length, int arrayLength, int arrayOffset) {
    checkOpen();
    if (type != expected) {
      throw typeMismatch(expected.toString());
    }
    if (arrayOffset < 0 || length < 0 || arrayOffset > arrayLength - length) {
      throw new TensorException(this + ": array offset=" + arrayOffset + " length=" + length
          + " array length=" + arrayLength);
    }
    checkRange(index, length);
    return offset + index * expected.byteSize();
  }

  private void checkRange(int index, int length) {
    if (index < 0 || index > elementCount - length) {
      throw new TensorException(this + ": index=" + index + " length=" + length + " elements="
          + elementCount);
    }
  }

  private void checkByteType() {
    if (type != ElementType.INT8 && type != ElementType.UINT8 && type != ElementType.BOOL) {
      throw typeMismatch("INT8, UINT8 or BOOL");
    }
  }

  private void checkType(ElementType expected) {
    checkOpen();
    if (type != expected) {
      throw typeMismatch(expected.toString());
    }
  }

  private TensorException typeMismatch(String expected) {
    return new TensorException("tensor element type mismatch: expected " + expected + ", found " + type + " "
        + Arrays.toString(shape));
  }

  void checkOpen() {
    if (closed || root.closed) {
      throw new TensorException(this + " is closed");
    }
  }
}
