package io.aifactory.sdk.modbus;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import java.nio.charset.StandardCharsets;

/**
 * Turns register and bit images into engineering values and back, for the driver and the simulator alike.
 *
 * <p>Registers are given as their bytes in wire order (each register high byte first, as Modbus sends them), bits
 * packed as Modbus packs them (bit {@code i} of a request in byte {@code i / 8}, least significant bit first).
 * Decoding applies the tag's scale and offset; encoding reverses them and checks the raw value fits its type.
 *
 * <p>Arrays decode to primitive arrays: {@code boolean[]}, {@code short[]} (int16), {@code int[]} (uint16,
 * int32), {@code long[]} (uint32, int64), {@code float[]}, {@code double[]}. Encoding accepts those, or a
 * {@code double[]} for any numeric array. Strings are ISO-8859-1, two bytes per register, padded with NULs, which
 * decoding strips from the end.
 */
public final class ModbusCodec {
  private ModbusCodec() {}

  /** Decodes a register value at {@code byteOffset} of {@code registers} and adds it as a GOOD row. */
  public static void decodeRegisters(ModbusAddress a, WordOrder order, Tag tag, byte[] registers, int byteOffset,
      SampleBatch.Builder out, long sourceTimeNanos) {
    DataType type = a.dataType();
    DataType.Kind kind = type.kind();
    if (kind == DataType.Kind.BOOL) {
      int reg = ((registers[byteOffset] & 0xff) << 8) | (registers[byteOffset + 1] & 0xff);
      boolean on = a.bit() >= 0 ? ((reg >> a.bit()) & 1) != 0 : reg != 0;
      out.add(tag, on ? 1 : 0, Quality.GOOD, sourceTimeNanos);
    } else if (kind == DataType.Kind.STRING || type.isArray()) {
      out.addObject(tag, decodeRegisterValue(a, order, tag, registers, byteOffset), Quality.GOOD, sourceTimeNanos);
    } else if (kind.isInteger() && !tag.isScaled()) {
      out.addLong(tag, readInteger(kind, registers, byteOffset, order), Quality.GOOD, sourceTimeNanos);
    } else {
      out.add(tag, tag.toEngineering(readNumber(kind, registers, byteOffset, order)), Quality.GOOD, sourceTimeNanos);
    }
  }

  /** Decodes a bit value ({@code a.width()} bits from {@code bitIndex}) and adds it as a GOOD row. */
  public static void decodeBits(ModbusAddress a, Tag tag, byte[] packed, int bitIndex, SampleBatch.Builder out,
      long sourceTimeNanos) {
    if (a.dataType().isArray()) {
      out.addObject(tag, decodeBitValue(a, packed, bitIndex), Quality.GOOD, sourceTimeNanos);
    } else {
      out.add(tag, bit(packed, bitIndex) ? 1 : 0, Quality.GOOD, sourceTimeNanos);
    }
  }

  /**
   * Returns a register value as {@link io.aifactory.sdk.core.Sample#value()} boxes it: Double when scaled or
   * floating-point, Long for unscaled integers, Boolean, String or a primitive array.
   */
  public static Object decodeRegisterValue(ModbusAddress a, WordOrder order, Tag tag, byte[] registers, int byteOffset) {
    DataType type = a.dataType();
    DataType.Kind kind = type.kind();
    if (kind == DataType.Kind.BOOL) {
      int reg = ((registers[byteOffset] & 0xff) << 8) | (registers[byteOffset + 1] & 0xff);
      return a.bit() >= 0 ? ((reg >> a.bit()) & 1) != 0 : reg != 0;
    }
    if (kind == DataType.Kind.STRING) {
      byte[] bytes = new byte[a.stringLength()];
      for (int i = 0; i < bytes.length; i++) {
        int j = order.byteSwap() ? (i ^ 1) : i;
        bytes[i] = registers[byteOffset + j];
      }
      int n = bytes.length;
      while (n > 0 && bytes[n - 1] == 0) n--;
      return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
    }
    if (!type.isArray()) {
      if (kind.isInteger() && !tag.isScaled()) return readInteger(kind, registers, byteOffset, order);
      return tag.toEngineering(readNumber(kind, registers, byteOffset, order));
    }
    int n = type.length();
    int step = kind.bits() / 8;
    switch (kind) {
      case INT16: {
        short[] v = new short[n];
        for (int i = 0; i < n; i++) v[i] = (short) readInteger(kind, registers, byteOffset + i * step, order);
        return v;
      }
      case UINT16:
      case INT32: {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = (int) readInteger(kind, registers, byteOffset + i * step, order);
        return v;
      }
      case UINT32:
      case INT64: {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) v[i] = readInteger(kind, registers, byteOffset + i * step, order);
        return v;
      }
      case FLOAT32: {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = Float.intBitsToFloat((int) readRaw(registers, byteOffset + i * step, 2, order));
        return v;
      }
      case FLOAT64: {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = Double.longBitsToDouble(readRaw(registers, byteOffset + i * step, 4, order));
        return v;
      }
      default:
        throw new IllegalArgumentException("tag '" + tag.name() + "': cannot decode " + type + " from registers");
    }
  }

  /** Returns a bit value: Boolean, or {@code boolean[]} for an array. */
  public static Object decodeBitValue(ModbusAddress a, byte[] packed, int bitIndex) {
    if (!a.dataType().isArray()) return bit(packed, bitIndex);
    boolean[] v = new boolean[a.dataType().length()];
    for (int i = 0; i < v.length; i++) v[i] = bit(packed, bitIndex + i);
    return v;
  }

  /**
   * Encodes an engineering value into {@code a.width()} registers at {@code byteOffset} of {@code registers}.
   * A bit of a register ({@code holding:10.3}) sets or clears only that bit, leaving the others as they are.
   *
   * @throws IllegalArgumentException naming the tag if the value has the wrong type or does not fit
   */
  public static void encodeRegisters(ModbusAddress a, WordOrder order, Tag tag, Object value, byte[] registers, int byteOffset) {
    DataType type = a.dataType();
    DataType.Kind kind = type.kind();
    if (kind == DataType.Kind.BOOL) {
      boolean on = toBoolean(tag, value);
      if (a.bit() >= 0) {
        int reg = ((registers[byteOffset] & 0xff) << 8) | (registers[byteOffset + 1] & 0xff);
        reg = on ? reg | (1 << a.bit()) : reg & ~(1 << a.bit());
        registers[byteOffset] = (byte) (reg >> 8);
        registers[byteOffset + 1] = (byte) reg;
      } else {
        registers[byteOffset] = 0;
        registers[byteOffset + 1] = (byte) (on ? 1 : 0);
      }
      return;
    }
    if (kind == DataType.Kind.STRING) {
      if (!(value instanceof String)) throw wrongType(tag, value, "a String");
      String text = (String) value;
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) > 0xff) {
          throw new IllegalArgumentException("tag '" + tag.name() + "': character '" + text.charAt(i) + "' (U+"
              + String.format("%04X", (int) text.charAt(i)) + ") is not ISO-8859-1, the one byte per character strings hold");
        }
      }
      byte[] bytes = ((String) value).getBytes(StandardCharsets.ISO_8859_1);
      if (bytes.length > a.stringLength()) {
        throw new IllegalArgumentException("tag '" + tag.name() + "': string of " + bytes.length + " bytes does not fit in "
            + a.stringLength());
      }
      int total = a.width() * 2;
      for (int i = 0; i < total; i++) {
        int j = order.byteSwap() ? (i ^ 1) : i;
        registers[byteOffset + j] = i < bytes.length ? bytes[i] : 0;
      }
      return;
    }
    int step = kind.bits() / 8;
    if (!type.isArray()) {
      writeRaw(registers, byteOffset, step / 2, order, toRaw(kind, tag, value));
      return;
    }
    int n = type.length();
    for (int i = 0; i < n; i++) {
      Object element = element(tag, value, i, n);
      writeRaw(registers, byteOffset + i * step, step / 2, order, toRaw(kind, tag, element));
    }
  }

  /**
   * Encodes a bit value into {@code packed} from {@code bitIndex}.
   *
   * @throws IllegalArgumentException naming the tag if the value is not a Boolean (or a number 0 / 1) or a
   *     {@code boolean[]} of the tag's length
   */
  public static void encodeBits(ModbusAddress a, Tag tag, Object value, byte[] packed, int bitIndex) {
    if (!a.dataType().isArray()) {
      setBit(packed, bitIndex, toBoolean(tag, value));
      return;
    }
    if (!(value instanceof boolean[]) || ((boolean[]) value).length != a.dataType().length()) {
      throw wrongType(tag, value, "a boolean[" + a.dataType().length() + "]");
    }
    boolean[] v = (boolean[]) value;
    for (int i = 0; i < v.length; i++) setBit(packed, bitIndex + i, v[i]);
  }

  /** Returns bit {@code i} of a packed bit image. */
  public static boolean bit(byte[] packed, int i) {
    return ((packed[i >> 3] >> (i & 7)) & 1) != 0;
  }

  /** Sets bit {@code i} of a packed bit image. */
  public static void setBit(byte[] packed, int i, boolean on) {
    if (on) {
      packed[i >> 3] |= (byte) (1 << (i & 7));
    } else {
      packed[i >> 3] &= (byte) ~(1 << (i & 7));
    }
  }

  /** Reads {@code registerCount} registers as one unsigned big number, undoing the word order. */
  static long readRaw(byte[] b, int off, int registerCount, WordOrder order) {
    long v = 0;
    for (int i = 0; i < registerCount; i++) {
      int r = order.wordSwap() ? registerCount - 1 - i : i;
      int hi = b[off + 2 * r] & 0xff;
      int lo = b[off + 2 * r + 1] & 0xff;
      v = (v << 16) | (order.byteSwap() ? (lo << 8) | hi : (hi << 8) | lo);
    }
    return v;
  }

  static void writeRaw(byte[] b, int off, int registerCount, WordOrder order, long v) {
    for (int i = registerCount - 1; i >= 0; i--) {
      int word = (int) (v & 0xffff);
      v >>>= 16;
      int r = order.wordSwap() ? registerCount - 1 - i : i;
      byte hi = (byte) (word >> 8);
      byte lo = (byte) word;
      b[off + 2 * r] = order.byteSwap() ? lo : hi;
      b[off + 2 * r + 1] = order.byteSwap() ? hi : lo;
    }
  }

  private static long readInteger(DataType.Kind kind, byte[] b, int off, WordOrder order) {
    switch (kind) {
      case INT16: return (short) readRaw(b, off, 1, order);
      case UINT16: return readRaw(b, off, 1, order);
      case INT32: return (int) readRaw(b, off, 2, order);
      case UINT32: return readRaw(b, off, 2, order);
      case INT64: return readRaw(b, off, 4, order);
      default: throw new IllegalArgumentException("not an integer kind: " + kind);
    }
  }

  private static double readNumber(DataType.Kind kind, byte[] b, int off, WordOrder order) {
    switch (kind) {
      case FLOAT32: return Float.intBitsToFloat((int) readRaw(b, off, 2, order));
      case FLOAT64: return Double.longBitsToDouble(readRaw(b, off, 4, order));
      default: return readInteger(kind, b, off, order);
    }
  }

  private static long toRaw(DataType.Kind kind, Tag tag, Object value) {
    if (!(value instanceof Number)) throw wrongType(tag, value, "a Number");
    Number n = (Number) value;
    boolean exact = !tag.isScaled() && (value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte);
    if (kind == DataType.Kind.FLOAT32) {
      double raw = exact ? n.longValue() : tag.toRaw(n.doubleValue());
      return Float.floatToRawIntBits((float) raw) & 0xffffffffL;
    }
    if (kind == DataType.Kind.FLOAT64) {
      double raw = exact ? n.longValue() : tag.toRaw(n.doubleValue());
      return Double.doubleToRawLongBits(raw);
    }
    long raw;
    if (exact) {
      raw = n.longValue();
    } else {
      double d = tag.toRaw(n.doubleValue());
      if (!Double.isFinite(d) || d >= 0x1p63 || d < -0x1p63) throw outOfRange(tag, kind, n);
      raw = Math.round(d);
    }
    long min;
    long max;
    switch (kind) {
      case INT16: min = Short.MIN_VALUE; max = Short.MAX_VALUE; break;
      case UINT16: min = 0; max = 0xffff; break;
      case INT32: min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; break;
      case UINT32: min = 0; max = 0xffffffffL; break;
      default: min = Long.MIN_VALUE; max = Long.MAX_VALUE; break;
    }
    if (raw < min || raw > max) throw outOfRange(tag, kind, n);
    return raw;
  }

  private static Object element(Tag tag, Object array, int i, int n) {
    int length;
    if (array instanceof double[]) length = ((double[]) array).length;
    else if (array instanceof float[]) length = ((float[]) array).length;
    else if (array instanceof long[]) length = ((long[]) array).length;
    else if (array instanceof int[]) length = ((int[]) array).length;
    else if (array instanceof short[]) length = ((short[]) array).length;
    else throw wrongType(tag, array, "a primitive array of " + n + " numbers");
    if (length != n) throw new IllegalArgumentException("tag '" + tag.name() + "': array of " + length + " for " + tag.dataType());
    if (array instanceof double[]) return ((double[]) array)[i];
    if (array instanceof float[]) return (double) ((float[]) array)[i];
    if (array instanceof long[]) return ((long[]) array)[i];
    if (array instanceof int[]) return (long) ((int[]) array)[i];
    return (long) ((short[]) array)[i];
  }

  private static boolean toBoolean(Tag tag, Object value) {
    if (value instanceof Boolean) return (Boolean) value;
    if (value instanceof Number) {
      double d = ((Number) value).doubleValue();
      if (d == 0 || d == 1) return d == 1;
    }
    throw wrongType(tag, value, "a Boolean");
  }

  private static IllegalArgumentException wrongType(Tag tag, Object value, String expected) {
    String found = value == null ? "null" : value.getClass().isArray()
        ? value.getClass().getComponentType().getSimpleName() + "[" + java.lang.reflect.Array.getLength(value) + "]"
        : value.getClass().getSimpleName() + " " + value;
    return new IllegalArgumentException("tag '" + tag.name() + "' (" + tag.dataType() + "): expected " + expected + ", found " + found);
  }

  private static IllegalArgumentException outOfRange(Tag tag, DataType.Kind kind, Number value) {
    return new IllegalArgumentException("tag '" + tag.name() + "': " + value + " is out of range for "
        + kind.name().toLowerCase(java.util.Locale.ROOT) + (tag.isScaled() ? " after scale and offset" : ""));
  }

  /** Returns a copy of {@code registers} as text, e.g. {@code [41 20 00 00]}, for messages. */
  static String hex(byte[] registers) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < registers.length; i++) s.append(i == 0 ? "" : " ").append(String.format("%02x", registers[i] & 0xff));
    return s.append(']').toString();
  }
}
