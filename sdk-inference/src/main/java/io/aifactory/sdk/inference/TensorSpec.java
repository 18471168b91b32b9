package io.aifactory.sdk.inference;

import io.aifactory.sdk.core.tensor.ElementType;
import java.util.Arrays;
import java.util.Objects;

/**
 * A model input or output as the model declares it: name, element type and shape. A dynamic dimension is
 * {@code -1} in {@link #shape()}; if the model names it (a symbolic dimension such as {@code "batch"}), the
 * name is in {@link #dimensionNames()}. Immutable.
 */
public final class TensorSpec {
  private final String name;
  private final ElementType elementType;
  private final String onnxType;
  private final long[] shape;
  private final String[] dimensionNames;

  public TensorSpec(String name, ElementType elementType, String onnxType, long[] shape, String[] dimensionNames) {
    this.name = Objects.requireNonNull(name, "name");
    this.elementType = elementType;
    this.onnxType = Objects.requireNonNull(onnxType, "onnxType");
    this.shape = shape.clone();
    this.dimensionNames = dimensionNames.clone();
    if (dimensionNames.length != shape.length) {
      throw new IllegalArgumentException("dimensionNames.length != shape.length: " + dimensionNames.length
          + " != " + shape.length);
    }
  }

  public String name() {
    return name;
  }

  /** Returns the element type, or null if a {@code TensorBuffer} cannot hold it (see {@link #onnxType()}). */
  public ElementType elementType() {
    return elementType;
  }

  /** Returns ONNX Runtime's name for the element type, e.g. {@code FLOAT} or {@code STRING}. */
  public String onnxType() {
    return onnxType;
  }

  /** Returns a copy of the shape, with {@code -1} for each dynamic dimension. */
  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** Returns the size of dimension {@code axis}, or -1 if it is dynamic. */
  public long dim(int axis) {
    return shape[axis];
  }

  public boolean isDynamic(int axis) {
    return shape[axis] < 0;
  }

  /** Returns a copy of the symbolic names of the dimensions, {@code ""} where a dimension has none. */
  public String[] dimensionNames() {
    return dimensionNames.clone();
  }

  /** Returns true if the first dimension is dynamic, so samples can be batched along it. */
  public boolean hasDynamicBatch() {
    return shape.length > 0 && shape[0] < 0;
  }

  /** Returns the shape as written in messages, e.g. {@code [batch, 256, 16]} or {@code [?, 4]}. */
  public String shapeString() {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        s.append(", ");
      }
      if (shape[i] >= 0) {
        s.append(shape[i]);
      } else {
        s.append(dimensionNames[i].isEmpty() ? "?" : dimensionNames[i]);
      }
    }
    return s.append(']').toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TensorSpec)) {
      return false;
    }
    TensorSpec t = (TensorSpec) o;
    return name.equals(t.name) && elementType == t.elementType && onnxType.equals(t.onnxType)
        && Arrays.equals(shape, t.shape) && Arrays.equals(dimensionNames, t.dimensionNames);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, elementType, onnxType, Arrays.hashCode(shape));
  }

  @Override
  public String toString() {
    return name + ": " + (elementType != null ? elementType : onnxType) + " " + shapeString();
  }
}
