package io.aifactory.sdk.core.tensor;

/**
 * The type of each element of a {@link TensorBuffer}, with its size in bytes.
 *
 * <p>Names follow ONNX tensor element types. {@link #FLOAT16} is stored as raw IEEE 754 half-precision bits
 * and read and written as {@code short}; {@link #BOOL} is one byte, 0 or 1.
 */
public enum ElementType {
  FLOAT32(4),
  FLOAT64(8),
  INT8(1),
  UINT8(1),
  INT32(4),
  INT64(8),
  BOOL(1),
  FLOAT16(2);

  private final int byteSize;

  ElementType(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Returns the size of one element in bytes. */
  public int byteSize() {
    return byteSize;
  }
}
