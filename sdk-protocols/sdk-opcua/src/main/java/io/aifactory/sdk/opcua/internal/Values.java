package io.aifactory.sdk.opcua.internal;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import java.lang.reflect.Array;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;

/**
 * Converts between tag values (engineering units; primitive arrays) and OPC UA Variants (raw values of the
 * built-in type that matches the tag's {@link DataType}).
 *
 * <p>Milo encodes and decodes arrays as boxed arrays ({@code Float[]}); they are turned into primitive arrays here,
 * once, so that the rest of the SDK never sees boxed elements.
 */
public final class Values {
  private Values() {}

  /** Returns the OPC UA DataType NodeId of a tag type's elements. */
  public static NodeId opcUaDataType(DataType type) {
    switch (type.kind()) {
      case BOOL: return NodeIds.Boolean;
      case INT16: return NodeIds.Int16;
      case UINT16: return NodeIds.UInt16;
      case INT32: return NodeIds.Int32;
      case UINT32: return NodeIds.UInt32;
      case INT64: return NodeIds.Int64;
      case FLOAT32: return NodeIds.Float;
      case FLOAT64: return NodeIds.Double;
      default: return NodeIds.String;
    }
  }

  /** Returns the tag kind of an OPC UA built-in DataType NodeId, or null if it has none. */
  public static DataType.Kind kindOf(NodeId dataType) {
    if (dataType.equals(NodeIds.Boolean)) return DataType.Kind.BOOL;
    if (dataType.equals(NodeIds.Int16) || dataType.equals(NodeIds.SByte) || dataType.equals(NodeIds.Byte)) {
      return DataType.Kind.INT16;
    }
    if (dataType.equals(NodeIds.UInt16)) return DataType.Kind.UINT16;
    if (dataType.equals(NodeIds.Int32)) return DataType.Kind.INT32;
    if (dataType.equals(NodeIds.UInt32)) return DataType.Kind.UINT32;
    if (dataType.equals(NodeIds.Int64) || dataType.equals(NodeIds.UInt64)) return DataType.Kind.INT64;
    if (dataType.equals(NodeIds.Float)) return DataType.Kind.FLOAT32;
    if (dataType.equals(NodeIds.Double)) return DataType.Kind.FLOAT64;
    if (dataType.equals(NodeIds.String)) return DataType.Kind.STRING;
    return null;
  }

  /**
   * Returns the Variant to send for a value in engineering units: scale and offset reversed, integers rounded and
   * range-checked, arrays boxed element by element.
   *
   * @throws IllegalArgumentException naming the tag if the value does not fit its type
   */
  public static Variant toVariant(Tag tag, Object value) {
    DataType type = tag.dataType();
    if (value == null) throw new IllegalArgumentException("tag '" + tag.name() + "': value is null");
    if (type.isArray()) return new Variant(boxArray(tag, value));
    if (type.kind() == DataType.Kind.STRING) {
      if (!(value instanceof String)) throw mismatch(tag, value);
      return new Variant(value);
    }
    if (type.kind() == DataType.Kind.BOOL) {
      if (value instanceof Boolean) return new Variant(value);
      if (value instanceof Number) return new Variant(((Number) value).doubleValue() != 0);
      throw mismatch(tag, value);
    }
    if (!(value instanceof Number)) throw mismatch(tag, value);
    Number n = (Number) value;
    if (tag.isScaled()) {
      return new Variant(scalar(tag, type.kind(), tag.toRaw(n.doubleValue())));
    }
    if (type.kind() == DataType.Kind.INT64 && (n instanceof Long || n instanceof Integer || n instanceof Short)) {
      return new Variant(n.longValue());
    }
    return new Variant(scalar(tag, type.kind(), n.doubleValue()));
  }

  /** Returns the boxed element of a raw number, rounded and checked against the kind's range. */
  static Object scalar(Tag tag, DataType.Kind kind, double raw) {
    if (kind == DataType.Kind.FLOAT64) return raw;
    if (kind == DataType.Kind.FLOAT32) return (float) raw;
    if (kind == DataType.Kind.BOOL) return raw != 0;
    if (Double.isNaN(raw)) throw new IllegalArgumentException("tag '" + tag.name() + "': NaN does not fit " + kind);
    double r = Math.rint(raw);
    switch (kind) {
      case INT16: check(tag, kind, r, Short.MIN_VALUE, Short.MAX_VALUE); return (short) r;
      case UINT16: check(tag, kind, r, 0, 65535); return UShort.valueOf((int) r);
      case INT32: check(tag, kind, r, Integer.MIN_VALUE, Integer.MAX_VALUE); return (int) r;
      case UINT32: check(tag, kind, r, 0, 4294967295.0); return UInteger.valueOf((long) r);
      default: check(tag, kind, r, Long.MIN_VALUE, Long.MAX_VALUE); return (long) r;
    }
  }

  private static void check(Tag tag, DataType.Kind kind, double v, double min, double max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException("tag '" + tag.name() + "': " + v + " is outside the range of " + kind
          + " [" + (long) min + ", " + (long) max + "]");
    }
  }

  private static Object boxArray(Tag tag, Object value) {
    DataType type = tag.dataType();
    if (!value.getClass().isArray()) throw mismatch(tag, value);
    int n = Array.getLength(value);
    if (n != type.length()) {
      throw new IllegalArgumentException("tag '" + tag.name() + "': array of length " + n + " written to " + type);
    }
    Object boxed = Array.newInstance(elementClass(type.kind()), n);
    for (int i = 0; i < n; i++) {
      Object e = Array.get(value, i);
      if (type.kind() == DataType.Kind.BOOL) {
        if (!(e instanceof Boolean)) throw mismatch(tag, value);
        Array.set(boxed, i, e);
      } else {
        if (!(e instanceof Number)) throw mismatch(tag, value);
        Array.set(boxed, i, scalar(tag, type.kind(), ((Number) e).doubleValue()));
      }
    }
    return boxed;
  }

  private static Class<?> elementClass(DataType.Kind kind) {
    switch (kind) {
      case BOOL: return Boolean.class;
      case INT16: return Short.class;
      case UINT16: return UShort.class;
      case INT32: return Integer.class;
      case UINT32: return UInteger.class;
      case INT64: return Long.class;
      case FLOAT32: return Float.class;
      case FLOAT64: return Double.class;
      default: return String.class;
    }
  }

  private static IllegalArgumentException mismatch(Tag tag, Object value) {
    return new IllegalArgumentException("tag '" + tag.name() + "' of type " + tag.dataType() + " cannot take a "
        + value.getClass().getSimpleName());
  }

  /**
   * Adds one row for a value received from the server: numbers in engineering units, arrays as primitive arrays.
   * A value that does not fit the tag's type becomes a BAD row with reason CONFIG_ERROR, naming both types.
   */
  public static void addRow(SampleBatch.Builder rows, Tag tag, Object raw, Quality quality, long sourceTimeNanos) {
    if (quality.isBad()) {
      rows.addBad(tag, quality, sourceTimeNanos);
      return;
    }
    if (raw == null) {
      rows.addBad(tag, Quality.bad(Quality.Reason.DEVICE_ERROR, quality.rawStatus(), "server sent no value"),
          sourceTimeNanos);
      return;
    }
    DataType type = tag.dataType();
    try {
      if (type.isArray()) {
        rows.addObject(tag, unboxArray(tag, raw), quality, sourceTimeNanos);
      } else if (type.kind() == DataType.Kind.STRING) {
        if (!(raw instanceof String)) throw new IllegalArgumentException(raw.getClass().getSimpleName());
        rows.addObject(tag, raw, quality, sourceTimeNanos);
      } else if (type.kind() == DataType.Kind.BOOL) {
        if (!(raw instanceof Boolean)) throw new IllegalArgumentException(raw.getClass().getSimpleName());
        rows.add(tag, (Boolean) raw ? 1 : 0, quality, sourceTimeNanos);
      } else {
        if (!(raw instanceof Number)) throw new IllegalArgumentException(raw.getClass().getSimpleName());
        Number n = (Number) raw;
        if (type.kind().isInteger() && !tag.isScaled()) {
          rows.addLong(tag, n.longValue(), quality, sourceTimeNanos);
        } else {
          rows.add(tag, tag.toEngineering(n.doubleValue()), quality, sourceTimeNanos);
        }
      }
    } catch (IllegalArgumentException e) {
      rows.addBad(tag, Quality.bad(Quality.Reason.CONFIG_ERROR, quality.rawStatus(),
          "expected " + type + ", server sent " + describe(raw)), sourceTimeNanos);
    }
  }

  /** Returns a raw value converted to the tag's engineering value, boxed as {@code Sample.value()} describes. */
  public static Object toEngineering(Tag tag, Object raw) {
    SampleBatch.Builder b = SampleBatch.newBuilder(1);
    addRow(b, tag, raw, Quality.GOOD, 0);
    SampleBatch batch = b.build();
    if (batch.quality(0).isBad()) throw new IllegalArgumentException("tag '" + tag.name() + "': " + batch.quality(0).detail());
    return batch.value(0);
  }

  private static String describe(Object raw) {
    if (raw.getClass().isArray()) {
      return raw.getClass().getComponentType().getSimpleName() + "[" + Array.getLength(raw) + "]";
    }
    return raw.getClass().getSimpleName();
  }

  /** Unboxes an array from Milo into the primitive array of the tag's kind. */
  static Object unboxArray(Tag tag, Object raw) {
    DataType type = tag.dataType();
    if (!raw.getClass().isArray()) throw new IllegalArgumentException(raw.getClass().getSimpleName());
    int n = Array.getLength(raw);
    if (n != type.length()) throw new IllegalArgumentException(describe(raw));
    switch (type.kind()) {
      case BOOL: {
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) out[i] = (Boolean) Array.get(raw, i);
        return out;
      }
      case FLOAT32: {
        float[] out = new float[n];
        if (raw instanceof Float[]) {
          Float[] in = (Float[]) raw;
          for (int i = 0; i < n; i++) out[i] = in[i];
        } else {
          for (int i = 0; i < n; i++) out[i] = number(raw, i).floatValue();
        }
        return out;
      }
      case FLOAT64: {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = number(raw, i).doubleValue();
        return out;
      }
      case INT16: {
        short[] out = new short[n];
        for (int i = 0; i < n; i++) out[i] = number(raw, i).shortValue();
        return out;
      }
      case UINT16:
      case INT32: {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = number(raw, i).intValue();
        return out;
      }
      default: {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = number(raw, i).longValue();
        return out;
      }
    }
  }

  private static Number number(Object array, int i) {
    Object e = Array.get(array, i);
    if (e instanceof Number) return (Number) e;
    throw new IllegalArgumentException(array.getClass().getComponentType().getSimpleName());
  }

  /** Returns true if {@code value} (a raw Variant value) fits the element class of {@code kind}. */
  public static boolean isRawOf(DataType type, Object value) {
    if (value == null) return false;
    if (type.isArray()) {
      return value.getClass().isArray() && value.getClass().getComponentType() == elementClass(type.kind())
          && Array.getLength(value) == type.length();
    }
    return elementClass(type.kind()).isInstance(value);
  }

  /** Returns a raw value for a value in engineering units (what a server stores). */
  public static Object toRaw(Tag tag, Object engineering) {
    return toVariant(tag, engineering).getValue();
  }

  /** Returns the raw zero value of a tag's type (initial value of a server variable). */
  public static Object zero(Tag tag) {
    DataType type = tag.dataType();
    if (type.isArray()) {
      Object boxed = Array.newInstance(elementClass(type.kind()), type.length());
      Object zero = type.kind() == DataType.Kind.BOOL ? Boolean.FALSE : scalar(tag, type.kind(), 0);
      for (int i = 0; i < type.length(); i++) Array.set(boxed, i, zero);
      return boxed;
    }
    if (type.kind() == DataType.Kind.STRING) return "";
    return scalar(tag, type.kind(), 0);
  }
}
