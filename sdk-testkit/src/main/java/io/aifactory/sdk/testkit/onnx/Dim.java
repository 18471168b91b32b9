package io.aifactory.sdk.testkit.onnx;

import java.util.Objects;

/**
 * One dimension of a graph input or output: a fixed size ({@code dim_value}) or a symbolic name such as
 * {@code "batch"} ({@code dim_param}) that the runtime resolves per run.
 */
public final class Dim {
  private final long value;
  private final String param;

  private Dim(long value, String param) {
    this.value = value;
    this.param = param;
  }

  /** Returns a fixed dimension. */
  public static Dim of(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("value < 0: " + value);
    }
    return new Dim(value, null);
  }

  /** Returns a symbolic dimension, e.g. {@code Dim.param("batch")}. */
  public static Dim param(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name is empty");
    }
    return new Dim(-1, name);
  }

  /** Returns the symbolic batch dimension {@code "batch"}. */
  public static Dim batch() {
    return param("batch");
  }

  public boolean isSymbolic() {
    return param != null;
  }

  /** Returns the fixed size, or -1 for a symbolic dimension. */
  public long value() {
    return value;
  }

  /** Returns the symbolic name, or null for a fixed dimension. */
  public String param() {
    return param;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Dim && ((Dim) o).value == value && Objects.equals(((Dim) o).param, param);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value, param);
  }

  @Override
  public String toString() {
    return param != null ? param : Long.toString(value);
  }
}
