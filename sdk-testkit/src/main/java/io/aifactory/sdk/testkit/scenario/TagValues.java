package io.aifactory.sdk.testkit.scenario;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Tag;

/**
 * Turns signal values (doubles) into the boxed values {@link io.aifactory.sdk.testkit.SimulatedServer#set}
 * takes for a tag's type: integers rounded and clamped to the type's range, booleans true from 0.5. For a scaled
 * integer tag the rounding and clamping happen on the raw value, so that no resolution is lost and the register
 * never overflows.
 */
final class TagValues {
  private TagValues() {}

  /** Returns the value for a scalar tag, or null to leave the tag as it is (NaN for a non-float type). */
  static Object scalar(Tag tag, double v) {
    DataType.Kind kind = tag.dataType().kind();
    if (Double.isNaN(v) && kind != DataType.Kind.FLOAT32 && kind != DataType.Kind.FLOAT64) return null;
    if (kind.isInteger() && tag.isScaled()) {
      long raw = clampRound(tag.toRaw(v), min(kind), max(kind));
      return tag.toEngineering(raw);
    }
    switch (kind) {
      case BOOL: return v >= 0.5;
      case INT16: return (short) clampRound(v, Short.MIN_VALUE, Short.MAX_VALUE);
      case UINT16: return (int) clampRound(v, 0, 0xffff);
      case INT32: return (int) clampRound(v, Integer.MIN_VALUE, Integer.MAX_VALUE);
      case UINT32: return clampRound(v, 0, 0xffffffffL);
      case INT64: return clampRound(v, Long.MIN_VALUE, Long.MAX_VALUE);
      case FLOAT32: return (float) v;
      case FLOAT64: return v;
      default: return null;
    }
  }

  /** Returns the primitive array for an array tag, or null if a non-float frame holds NaN. */
  static Object array(DataType type, double[] frame) {
    DataType.Kind kind = type.kind();
    boolean floating = kind == DataType.Kind.FLOAT32 || kind == DataType.Kind.FLOAT64;
    if (!floating) {
      for (double v : frame) if (Double.isNaN(v)) return null;
    }
    int n = frame.length;
    switch (kind) {
      case BOOL: {
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) out[i] = frame[i] >= 0.5;
        return out;
      }
      case INT16: {
        short[] out = new short[n];
        for (int i = 0; i < n; i++) out[i] = (short) clampRound(frame[i], Short.MIN_VALUE, Short.MAX_VALUE);
        return out;
      }
      case UINT16:
      case INT32: {
        int[] out = new int[n];
        long lo = kind == DataType.Kind.UINT16 ? 0 : Integer.MIN_VALUE;
        long hi = kind == DataType.Kind.UINT16 ? 0xffff : Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) out[i] = (int) clampRound(frame[i], lo, hi);
        return out;
      }
      case UINT32:
      case INT64: {
        long[] out = new long[n];
        long lo = kind == DataType.Kind.UINT32 ? 0 : Long.MIN_VALUE;
        long hi = kind == DataType.Kind.UINT32 ? 0xffffffffL : Long.MAX_VALUE;
        for (int i = 0; i < n; i++) out[i] = clampRound(frame[i], lo, hi);
        return out;
      }
      case FLOAT32: {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) frame[i];
        return out;
      }
      case FLOAT64:
        return frame;
      default:
        return null;
    }
  }

  private static long min(DataType.Kind kind) {
    switch (kind) {
      case INT16: return Short.MIN_VALUE;
      case INT32: return Integer.MIN_VALUE;
      case INT64: return Long.MIN_VALUE;
      default: return 0;
    }
  }

  private static long max(DataType.Kind kind) {
    switch (kind) {
      case INT16: return Short.MAX_VALUE;
      case UINT16: return 0xffff;
      case INT32: return Integer.MAX_VALUE;
      case UINT32: return 0xffffffffL;
      default: return Long.MAX_VALUE;
    }
  }

  private static long clampRound(double v, long lo, long hi) {
    if (v <= lo) return lo;
    if (v >= hi) return hi;
    return Math.round(v);
  }
}
