package io.aifactory.sdk.core.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.guard.GuardDecision;
import io.aifactory.sdk.core.guard.OperatorAction;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.record.RecordFormat.SampleRow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The recording format ({@code sdk-core/RECORDING.md}) as single JSON objects, for records that leave the gateway
 * (Kafka, MQTT): one schema, written by one piece of code, whether a record goes to a file or to a broker.
 *
 * <p>Every object may carry {@linkplain #RecordJson(Map) context} fields right after {@code type} (a sink puts
 * {@code plant} and {@code line} there). A poll travels whole, as a {@code samples} object whose {@code rows} are
 * {@code sample} records exactly as a recording holds them: {@code {"type":"samples",<context>,"device":...,
 * "time":...,"time_ns":...,"receive_time":...,"receive_time_ns":...,"rows":[{"type":"sample",...},...]}}, where
 * {@code time} is the newest row's source time.
 *
 * <p>Not thread-safe: it reuses one buffer and caches formatted seconds; give each thread its own, or lock.
 */
public final class RecordJson {
  /** The {@code type} of an object holding one poll's rows. */
  public static final String SAMPLES = "samples";
  private static final JsonFactory JSON = new JsonFactory();

  private final RecordFormat format = new RecordFormat();
  private final Map<String, String> context;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
  private final JsonGenerator g;

  /** Returns a writer with no context fields. */
  public RecordJson() {
    this(Collections.emptyMap());
  }

  /** Returns a writer that puts {@code context} (in its iteration order) right after {@code type} in every object. */
  public RecordJson(Map<String, String> context) {
    Objects.requireNonNull(context, "context");
    this.context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
    try {
      this.g = JSON.createGenerator(out);
      g.setRootValueSeparator(null); // each call returns one object: nothing between them
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the fields of every record type, described in words: what a recording's schema header says. */
  public static Map<String, Map<String, String>> fields() {
    return RecordFormat.FIELDS;
  }

  /** Returns the record types a recording may hold: {@code sample}, {@code result}, ... */
  public static List<String> types() {
    return RecordFormat.TYPES;
  }

  /**
   * Returns a {@link MachineResult}, {@link GuardDecision}, {@link AlarmEvent} or {@link OperatorAction} as one
   * JSON object in UTF-8.
   *
   * @throws IllegalArgumentException for any other type
   */
  public byte[] record(Object record) {
    Objects.requireNonNull(record, "record");
    if (!(record instanceof MachineResult || record instanceof GuardDecision || record instanceof AlarmEvent
        || record instanceof OperatorAction)) {
      throw new IllegalArgumentException("not a record: " + record.getClass().getName());
    }
    try {
      out.reset();
      format.write(g, record, context);
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns row {@code row} of {@code batch} as one {@code sample} object in UTF-8. */
  public byte[] sample(String device, SampleBatch batch, int row) {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(batch, "batch");
    try {
      out.reset();
      format.write(g, new SampleRow(device, batch, row), context);
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns the rows of {@code batch} whose index is in {@code rows} (all rows if null) as one {@code samples}
   * object in UTF-8.
   */
  public byte[] samples(String device, SampleBatch batch, int[] rows) {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(batch, "batch");
    try {
      out.reset();
      long newest = Long.MIN_VALUE;
      int n = rows == null ? batch.size() : rows.length;
      for (int k = 0; k < n; k++) newest = Math.max(newest, batch.sourceTimeNanos(rows == null ? k : rows[k]));
      if (n == 0) newest = batch.receiveTimeNanos();
      g.writeStartObject();
      g.writeStringField("type", SAMPLES);
      for (Map.Entry<String, String> c : context.entrySet()) g.writeStringField(c.getKey(), c.getValue());
      g.writeStringField("device", device);
      format.time(g, "time", newest);
      format.time(g, "receive_time", batch.receiveTimeNanos());
      g.writeArrayFieldStart("rows");
      for (int k = 0; k < n; k++) format.write(g, new SampleRow(device, batch, rows == null ? k : rows[k]));
      g.writeEndArray();
      g.writeEndObject();
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the {@code time} of a record given to {@link #record}, in nanoseconds since the epoch. */
  public static long timeNanos(Object record) {
    return RecordFormat.timeNanos(record);
  }
}
