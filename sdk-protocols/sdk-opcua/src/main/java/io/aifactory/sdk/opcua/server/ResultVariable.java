package io.aifactory.sdk.opcua.server;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.opcua.internal.StatusMapping;
import io.aifactory.sdk.opcua.internal.Values;
import io.aifactory.sdk.opcua.internal.server.ServerVariable;
import java.util.Map;
import java.util.Objects;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;

/**
 * A typed handle on one variable of an {@link OpcUaResultServer}: looked up (and type-checked) once, when the
 * application is wired, so that a misspelt name fails at start-up instead of publishing nowhere.
 *
 * <pre>{@code
 * ResultVariable<Double> score = server.variable("Line1.AnomalyScore", Double.class);
 * score.set(0.93);                                  // GOOD, fresh timestamps
 * score.setQuality(Quality.bad(Reason.STALE_INPUT, "PLC unreachable"));  // last value kept, StatusCode Bad_…
 * }</pre>
 *
 * <p>Quality maps onto the OPC UA StatusCode clients see: GOOD is Good, UNCERTAIN an Uncertain code and BAD a Bad
 * code, chosen from the quality's reason unless its raw status already is an OPC UA code of that severity. Safe to
 * use from any thread; each call replaces the variable's DataValue atomically.
 *
 * @param <T> the Java type of the value: {@code Double} (Double), {@code Float} (Float), {@code Boolean}
 *     (Boolean), {@code String} (String), {@code Short} (Int16), {@code Integer} (Int32, UInt16) or {@code Long}
 *     (Int64, UInt32)
 */
public final class ResultVariable<T> {
  private static final Map<DataType.Kind, Class<?>> JAVA_TYPES = Map.of(
      DataType.Kind.FLOAT64, Double.class,
      DataType.Kind.FLOAT32, Float.class,
      DataType.Kind.BOOL, Boolean.class,
      DataType.Kind.STRING, String.class,
      DataType.Kind.INT16, Short.class,
      DataType.Kind.INT32, Integer.class,
      DataType.Kind.UINT16, Integer.class,
      DataType.Kind.INT64, Long.class,
      DataType.Kind.UINT32, Long.class);

  private final ServerVariable variable;
  private final Class<T> type;

  private ResultVariable(ServerVariable variable, Class<T> type) {
    this.variable = variable;
    this.type = type;
  }

  /** Checks that {@code type} is the Java type of the variable's data type. */
  static <T> ResultVariable<T> of(ServerVariable variable, Class<T> type) {
    Objects.requireNonNull(type, "type");
    DataType dataType = variable.tag().dataType();
    Class<?> expected = dataType.isArray() ? null : JAVA_TYPES.get(dataType.kind());
    if (expected != type) {
      throw new IllegalArgumentException("result variable '" + variable.tag().name() + "' is " + dataType
          + (expected == null ? ", which has no typed handle" : ": expected " + expected.getSimpleName())
          + ", found " + type.getSimpleName());
    }
    return new ResultVariable<>(variable, type);
  }

  /** Returns the variable's dotted name, e.g. {@code Line1.AnomalyScore}. */
  public String name() {
    return variable.tag().name();
  }

  /** Returns the NodeId string clients use, e.g. {@code nsu=urn:aifactory:ai-results;s=Line1.AnomalyScore}. */
  public String nodeId() {
    return variable.tag().address();
  }

  public Class<T> type() {
    return type;
  }

  /** Publishes a GOOD value with fresh source and server timestamps. */
  public void set(T value) {
    set(value, Quality.GOOD);
  }

  /**
   * Publishes a value with a quality: GOOD or UNCERTAIN (e.g. a score over held inputs). A value with no conclusion
   * behind it is not published: use {@link #setQuality} with the BAD quality instead.
   *
   * @throws IllegalArgumentException if {@code quality} is BAD, or the value does not fit the variable (an integer
   *     out of range)
   */
  public void set(T value, Quality quality) {
    Objects.requireNonNull(value, "value");
    if (quality.isBad()) {
      throw new IllegalArgumentException("result variable '" + name() + "': a BAD value is not published, use"
          + " setQuality(" + quality + ")");
    }
    Object raw = Values.toRaw(variable.tag(), type.cast(value));
    DateTime now = DateTime.now();
    variable.set(new DataValue(new Variant(raw), StatusMapping.statusCode(quality), now, now));
  }

  /**
   * Marks the last value with {@code quality}, e.g. BAD when the machine's data went stale or the model failed.
   * The value and its source timestamp are kept, so a client sees the last real number, when it was true, and a
   * StatusCode saying it is not current; only the server timestamp moves.
   */
  public void setQuality(Quality quality) {
    StatusCode status = StatusMapping.statusCode(quality);
    DataValue last = variable.value();
    variable.set(new DataValue(last.getValue(), status, last.getSourceTime(), DateTime.now()));
  }

  /** Returns the value last published (whatever its quality). */
  public T get() {
    Object raw = variable.value().getValue().getValue();
    if (raw instanceof UShort) {
      return type.cast(((UShort) raw).intValue());
    }
    if (raw instanceof UInteger) {
      return type.cast(((UInteger) raw).longValue());
    }
    return type.cast(raw);
  }

  /** Returns the quality clients currently see, from the variable's StatusCode. */
  public Quality quality() {
    return StatusMapping.quality(variable.value().getStatusCode());
  }

  @Override
  public String toString() {
    return "ResultVariable[" + name() + " " + type.getSimpleName() + "]";
  }
}
