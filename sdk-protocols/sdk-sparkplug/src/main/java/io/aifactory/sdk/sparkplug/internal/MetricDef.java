package io.aifactory.sdk.sparkplug.internal;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.guard.WriteGuard;
import org.eclipse.tahu.message.model.MetricDataType;

/**
 * One metric of one device: its name, alias and Sparkplug type, fixed at build time, and its current and last
 * reported values. The mutable fields are guarded by the node's lock.
 *
 * <p>Values are kept in one canonical Java type per {@link Kind} (Boolean, Long, Double, String; null when there is
 * none) and converted to the Java type Tahu expects for the metric's type only when a payload is built.
 */
public final class MetricDef {
  /** The canonical value type. */
  public enum Kind { BOOLEAN, LONG, DOUBLE, STRING }

  private final int device;
  private final String name;
  private final long alias;
  private final MetricDataType type;
  private final Kind kind;
  private final double deadband;
  private final WriteGuard guard;

  // Guarded by the node's lock.
  Object value;
  int quality = Quality.BAD;
  long timeMillis;
  Object reported;
  int reportedQuality;
  boolean everReported;

  public MetricDef(int device, String name, long alias, MetricDataType type, double deadband, WriteGuard guard) {
    this.device = device;
    this.name = name;
    this.alias = alias;
    this.type = type;
    this.kind = kindOf(type);
    this.deadband = deadband;
    this.guard = guard;
  }

  /** Returns the Sparkplug type a tag is published as: its own type, or Double once it is scaled. */
  public static MetricDataType typeOf(Tag tag) {
    DataType t = tag.dataType();
    if (t.kind().isInteger() && tag.isScaled()) {
      return MetricDataType.Double;
    }
    switch (t.kind()) {
      case BOOL:
        return MetricDataType.Boolean;
      case INT16:
        return MetricDataType.Int16;
      case UINT16:
        return MetricDataType.UInt16;
      case INT32:
        return MetricDataType.Int32;
      case UINT32:
        return MetricDataType.UInt32;
      case INT64:
        return MetricDataType.Int64;
      case FLOAT32:
        return MetricDataType.Float;
      case FLOAT64:
        return MetricDataType.Double;
      default:
        return MetricDataType.String;
    }
  }

  static Kind kindOf(MetricDataType type) {
    if (type == MetricDataType.Boolean) {
      return Kind.BOOLEAN;
    }
    if (type == MetricDataType.Float || type == MetricDataType.Double) {
      return Kind.DOUBLE;
    }
    if (type == MetricDataType.String) {
      return Kind.STRING;
    }
    return Kind.LONG;
  }

  public int device() {
    return device;
  }

  public String name() {
    return name;
  }

  public long alias() {
    return alias;
  }

  public MetricDataType type() {
    return type;
  }

  public Kind kind() {
    return kind;
  }

  /** Returns the guard commands write through, or null if the metric refuses commands. */
  public WriteGuard guard() {
    return guard;
  }

  /**
   * Sets the current value and returns whether it is to be reported: the first value, a quality change, or a
   * number that moved by more than the deadband since it was last reported (any change, for deadband 0).
   */
  boolean update(Object canonical, int qualityCode, long millis) {
    value = canonical;
    quality = qualityCode;
    timeMillis = millis;
    if (everReported && reportedQuality == qualityCode && same(reported, canonical)) {
      return false;
    }
    markReported();
    return true;
  }

  /** The current value is what the host now knows (after a birth or a report). */
  void markReported() {
    reported = value;
    reportedQuality = quality;
    everReported = true;
  }

  private boolean same(Object before, Object now) {
    if (before == null || now == null) {
      return before == now;
    }
    if (kind == Kind.DOUBLE || kind == Kind.LONG) {
      double a = ((Number) before).doubleValue();
      double b = ((Number) now).doubleValue();
      if (deadband > 0) {
        return Math.abs(b - a) <= deadband;
      }
      return kind == Kind.LONG ? ((Number) before).longValue() == ((Number) now).longValue() : Double.compare(a, b) == 0;
    }
    return before.equals(now);
  }

  /** Returns a canonical value as the Java type Tahu requires for this metric's type; null stays null. */
  public Object toTahu(Object canonical) {
    if (canonical == null) {
      return null;
    }
    switch (kind) {
      case BOOLEAN:
        return canonical instanceof Boolean ? canonical : ((Number) canonical).doubleValue() != 0;
      case STRING:
        return canonical.toString();
      case DOUBLE: {
        double d = ((Number) canonical).doubleValue();
        return type == MetricDataType.Float ? (Object) (float) d : (Object) d;
      }
      default: {
        long l = ((Number) canonical).longValue();
        if (type == MetricDataType.Int8) {
          return (byte) l;
        }
        if (type == MetricDataType.Int16 || type == MetricDataType.UInt8) {
          return (short) l;
        }
        if (type == MetricDataType.Int32 || type == MetricDataType.UInt16) {
          return (int) l;
        }
        return l;
      }
    }
  }

  @Override
  public String toString() {
    return name + " (alias " + alias + ", " + type + ")";
  }
}
