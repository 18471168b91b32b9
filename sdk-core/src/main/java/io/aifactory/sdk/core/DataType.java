package io.aifactory.sdk.core;

import java.util.Locale;
import java.util.Objects;

/**
 * The type of a tag's value: a scalar {@link Kind}, or a fixed-length array of a numeric kind.
 *
 * <p>Written as in addresses and config files: {@code float32}, {@code uint16}, {@code float32[256]}.
 */
public final class DataType {
  /** The element kinds a device value can have. */
  public enum Kind {
    BOOL(1), INT16(16), UINT16(16), INT32(32), UINT32(32), INT64(64), FLOAT32(32), FLOAT64(64), STRING(0);

    private final int bits;

    Kind(int bits) {
      this.bits = bits;
    }

    /** Returns the width of one value in bits, or 0 for STRING, whose width the address decides. */
    public int bits() {
      return bits;
    }

    /** Returns true for the kinds whose values are numbers (everything but BOOL and STRING). */
    public boolean isNumeric() {
      return this != BOOL && this != STRING;
    }

    /** Returns true for INT16 to INT64 and their unsigned forms. */
    public boolean isInteger() {
      return isNumeric() && this != FLOAT32 && this != FLOAT64;
    }
  }

  public static final DataType BOOL = new DataType(Kind.BOOL, 0);
  public static final DataType INT16 = new DataType(Kind.INT16, 0);
  public static final DataType UINT16 = new DataType(Kind.UINT16, 0);
  public static final DataType INT32 = new DataType(Kind.INT32, 0);
  public static final DataType UINT32 = new DataType(Kind.UINT32, 0);
  public static final DataType INT64 = new DataType(Kind.INT64, 0);
  public static final DataType FLOAT32 = new DataType(Kind.FLOAT32, 0);
  public static final DataType FLOAT64 = new DataType(Kind.FLOAT64, 0);
  public static final DataType STRING = new DataType(Kind.STRING, 0);

  private final Kind kind;
  private final int arrayLength;

  private DataType(Kind kind, int arrayLength) {
    this.kind = kind;
    this.arrayLength = arrayLength;
  }

  /** Returns the scalar type of {@code kind}. */
  public static DataType of(Kind kind) {
    switch (Objects.requireNonNull(kind, "kind")) {
      case BOOL: return BOOL;
      case INT16: return INT16;
      case UINT16: return UINT16;
      case INT32: return INT32;
      case UINT32: return UINT32;
      case INT64: return INT64;
      case FLOAT32: return FLOAT32;
      case FLOAT64: return FLOAT64;
      default: return STRING;
    }
  }

  /**
   * Returns a fixed-length array of a numeric or boolean kind.
   *
   * @throws IllegalArgumentException if {@code length < 1} or the kind is STRING
   */
  public static DataType arrayOf(Kind kind, int length) {
    if (length < 1) throw new IllegalArgumentException("array length < 1: " + length);
    if (kind == Kind.STRING) throw new IllegalArgumentException("arrays of STRING are not supported");
    return new DataType(kind, length);
  }

  /**
   * Parses {@code float32}, {@code FLOAT32} or {@code float32[256]}.
   *
   * @throws IllegalArgumentException naming the text and the accepted kinds
   */
  public static DataType parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.trim();
    int bracket = t.indexOf('[');
    String kindText = bracket < 0 ? t : t.substring(0, bracket);
    Kind kind;
    try {
      kind = Kind.valueOf(kindText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown data type '" + text + "' (expected one of "
          + "bool, int16, uint16, int32, uint32, int64, float32, float64, string, or an array like float32[64])");
    }
    if (bracket < 0) return of(kind);
    if (!t.endsWith("]")) throw new IllegalArgumentException("malformed array type '" + text + "' (expected e.g. float32[64])");
    int length;
    try {
      length = Integer.parseInt(t.substring(bracket + 1, t.length() - 1).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed array length in '" + text + "' (expected e.g. float32[64])");
    }
    return arrayOf(kind, length);
  }

  public Kind kind() {
    return kind;
  }

  public boolean isArray() {
    return arrayLength > 0;
  }

  /** Returns the number of elements: the array length, or 1 for a scalar. */
  public int length() {
    return arrayLength > 0 ? arrayLength : 1;
  }

  /** Returns true for scalar numeric types, the only ones that scale, offset and deadband apply to. */
  public boolean isScalarNumeric() {
    return !isArray() && kind.isNumeric();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DataType && ((DataType) o).kind == kind && ((DataType) o).arrayLength == arrayLength;
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + arrayLength;
  }

  /** Returns the notation {@link #parse} accepts, e.g. {@code float32[256]}. */
  @Override
  public String toString() {
    String k = kind.name().toLowerCase(Locale.ROOT);
    return arrayLength > 0 ? k + "[" + arrayLength + "]" : k;
  }
}
