package io.aifactory.sdk.core.record;

import com.fasterxml.jackson.core.JsonGenerator;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.guard.GuardDecision;
import io.aifactory.sdk.core.guard.OperatorAction;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.MachineResult;
import java.io.IOException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How each record becomes one JSON object: the one place the file format lives. {@link #FIELDS} is both what the
 * schema header says and what the writer writes, so the two cannot drift apart. Not thread-safe: the writer
 * thread owns one instance.
 */
final class RecordFormat {
  static final String SCHEMA = "aifactory-recording";
  static final int VERSION = 1;

  static final String SAMPLE = "sample";
  static final String RESULT = "result";
  static final String DECISION = "decision";
  static final String ALARM = "alarm";
  static final String OPERATOR = "operator";
  static final String LABEL = "label";
  /** The record types, in the order counts are kept and listed. */
  static final List<String> TYPES = List.of(SAMPLE, RESULT, DECISION, ALARM, OPERATOR, LABEL);

  /** Field descriptions per record type, written into every file's schema header. */
  static final Map<String, Map<String, String>> FIELDS = fields();

  /** One row of a sample batch, queued without copying the (immutable) batch. */
  record SampleRow(String device, SampleBatch batch, int row) {}

  /** A label added through {@link Recorder#label}. */
  record Label(String machine, String name, Object value, String note, long timeNanos) {}

  private static final DateTimeFormatter TO_SECOND =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.", Locale.ROOT).withZone(ZoneOffset.UTC);

  // Formatting a date is slow next to everything else a sample costs, and consecutive records nearly always fall in
  // the same second: keep that second's text.
  private long cachedSecond = Long.MIN_VALUE;
  private String cachedPrefix = "";
  private final StringBuilder iso = new StringBuilder(32);

  /** Returns the index of the entry's type in {@link #TYPES}. */
  static int typeIndex(Object entry) {
    if (entry instanceof SampleRow) return 0;
    if (entry instanceof MachineResult) return 1;
    if (entry instanceof GuardDecision) return 2;
    if (entry instanceof AlarmEvent) return 3;
    if (entry instanceof OperatorAction) return 4;
    if (entry instanceof Label) return 5;
    throw new IllegalArgumentException("not a record: " + entry.getClass().getName());
  }

  /** Returns the entry's {@code time} in nanoseconds since the epoch. */
  static long timeNanos(Object entry) {
    if (entry instanceof SampleRow s) return s.batch().sourceTimeNanos(s.row());
    if (entry instanceof MachineResult r) return r.timeNanos();
    if (entry instanceof GuardDecision d) return d.timeNanos();
    if (entry instanceof AlarmEvent a) return a.timeNanos();
    if (entry instanceof OperatorAction o) return o.timeNanos();
    if (entry instanceof Label l) return l.timeNanos();
    throw new IllegalArgumentException("not a record: " + entry.getClass().getName());
  }

  /** Writes the first line of every file. */
  void writeHeader(JsonGenerator g, String recorder, long timeNanos) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", "schema");
    g.writeStringField("schema", SCHEMA);
    g.writeNumberField("version", VERSION);
    g.writeStringField("recorder", recorder);
    time(g, "time", timeNanos);
    g.writeObjectFieldStart("fields");
    for (Map.Entry<String, Map<String, String>> type : FIELDS.entrySet()) {
      g.writeObjectFieldStart(type.getKey());
      for (Map.Entry<String, String> field : type.getValue().entrySet()) {
        g.writeStringField(field.getKey(), field.getValue());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  /** Writes one record as a JSON object (no line end). */
  void write(JsonGenerator g, Object entry) throws IOException {
    write(g, entry, Collections.emptyMap());
  }

  /**
   * Writes one record as a JSON object (no line end), with {@code context} fields (e.g. plant and line, for a
   * record that leaves the gateway) right after {@code type}.
   */
  void write(JsonGenerator g, Object entry, Map<String, String> context) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", TYPES.get(typeIndex(entry)));
    for (Map.Entry<String, String> c : context.entrySet()) g.writeStringField(c.getKey(), c.getValue());
    time(g, "time", timeNanos(entry));
    if (entry instanceof SampleRow s) {
      sample(g, s);
    } else if (entry instanceof MachineResult r) {
      result(g, r);
    } else if (entry instanceof GuardDecision d) {
      decision(g, d);
    } else if (entry instanceof AlarmEvent a) {
      alarm(g, a);
    } else if (entry instanceof OperatorAction o) {
      operator(g, o);
    } else if (entry instanceof Label l) {
      label(g, l);
    }
    g.writeEndObject();
  }

  private void sample(JsonGenerator g, SampleRow s) throws IOException {
    SampleBatch b = s.batch();
    int i = s.row();
    Quality q = b.quality(i);
    g.writeStringField("device", s.device());
    g.writeStringField("tag", b.tag(i).name());
    g.writeStringField("unit", b.tag(i).unit());
    g.writeFieldName("value");
    String nonFinite = value(g, b.value(i));
    quality(g, q, q.isBad() || nonFinite == null ? q.detail() : join(q.detail(), nonFinite + " written as null"));
    time(g, "receive_time", b.receiveTimeNanos());
  }

  private void result(JsonGenerator g, MachineResult r) throws IOException {
    g.writeStringField("pipeline", r.pipeline());
    g.writeStringField("machine", r.machine());
    g.writeNumberField("sequence", r.sequence());
    number(g, "value", r.value());
    StringBuilder nonFinite = new StringBuilder();
    g.writeObjectFieldStart("outputs");
    for (int k = 0; k < r.outputNames().size(); k++) {
      double v = r.value(k);
      number(g, r.outputNames().get(k), v);
      if (!Double.isFinite(v)) nonFinite.append(nonFinite.length() == 0 ? "" : ", ").append(r.outputNames().get(k));
    }
    g.writeEndObject();
    Quality q = r.quality();
    boolean explain = !q.isBad() && nonFinite.length() > 0;
    quality(g, q, explain ? join(q.detail(), "non-finite outputs written as null: " + nonFinite) : q.detail());
  }

  private void decision(JsonGenerator g, GuardDecision d) throws IOException {
    g.writeStringField("guard", d.guard());
    g.writeStringField("tag", d.tag());
    g.writeStringField("outcome", d.outcome().name());
    g.writeStringField("mode", d.mode().name());
    number(g, "proposed", d.proposed());
    number(g, "decided", d.decided());
    number(g, "written", d.written());
    number(g, "before", d.before());
    number(g, "after", d.after());
    g.writeStringField("reason", d.reason());
  }

  private void alarm(JsonGenerator g, AlarmEvent a) throws IOException {
    g.writeStringField("alarm", a.alarm());
    g.writeStringField("pipeline", a.pipeline());
    g.writeStringField("machine", a.machine());
    g.writeStringField("kind", a.kind().name());
    number(g, "value", a.value());
    number(g, "threshold", a.threshold());
  }

  private void operator(JsonGenerator g, OperatorAction o) throws IOException {
    g.writeStringField("device", o.device());
    g.writeStringField("tag", o.tag());
    number(g, "expected", o.expected());
    number(g, "found", o.found());
  }

  private void label(JsonGenerator g, Label l) throws IOException {
    g.writeStringField("machine", l.machine());
    g.writeStringField("name", l.name());
    g.writeFieldName("value");
    value(g, l.value());
    if (l.note() == null) {
      g.writeNullField("note");
    } else {
      g.writeStringField("note", l.note());
    }
  }

  private static void quality(JsonGenerator g, Quality q, String detail) throws IOException {
    g.writeStringField("status", q.status().name());
    g.writeStringField("reason", q.reason().name());
    g.writeNumberField("raw_status", q.rawStatus());
    g.writeStringField("detail", detail);
  }

  /**
   * Writes a value as JSON: null stays null, NaN and infinities become null (JSON has none). Returns null if every
   * number was finite, else words saying what was not.
   */
  private static String value(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d)) {
        g.writeNull();
        return "value " + d;
      }
      g.writeNumber(d);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof BigInteger n) {
      g.writeNumber(n);
    } else if (v instanceof BigDecimal n) {
      g.writeNumber(n);
    } else if (v instanceof Number n) {
      return value(g, n.doubleValue());
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v.getClass().isArray()) {
      String nonFinite = null;
      g.writeStartArray();
      for (int k = 0, n = Array.getLength(v); k < n; k++) {
        if (value(g, Array.get(v, k)) != null) nonFinite = "non-finite array elements";
      }
      g.writeEndArray();
      return nonFinite;
    } else {
      g.writeString(v.toString());
    }
    return null;
  }

  private static void number(JsonGenerator g, String field, double v) throws IOException {
    if (Double.isFinite(v)) {
      g.writeNumberField(field, v);
    } else {
      g.writeNullField(field);
    }
  }

  /** Writes {@code field} as ISO-8601 UTC text with nine fraction digits, and {@code field_ns} as exact nanoseconds. */
  void time(JsonGenerator g, String field, long nanos) throws IOException {
    g.writeStringField(field, iso(nanos));
    g.writeNumberField(field + "_ns", nanos);
  }

  /** Returns {@code nanos} since the epoch as {@code 2024-05-01T12:00:00.123456789Z}. */
  String iso(long nanos) {
    long second = Math.floorDiv(nanos, 1_000_000_000L);
    int fraction = (int) Math.floorMod(nanos, 1_000_000_000L);
    if (second != cachedSecond) {
      cachedPrefix = TO_SECOND.format(Instant.ofEpochSecond(second));
      cachedSecond = second;
    }
    iso.setLength(0);
    iso.append(cachedPrefix);
    String digits = Integer.toString(fraction);
    for (int k = digits.length(); k < 9; k++) iso.append('0');
    return iso.append(digits).append('Z').toString();
  }

  private static String join(String detail, String more) {
    return detail.isEmpty() ? more : detail + "; " + more;
  }

  private static Map<String, Map<String, String>> fields() {
    Map<String, Map<String, String>> all = new LinkedHashMap<>();
    String time = "string: ISO-8601 UTC, nine fraction digits";
    String timeNs = "integer: the same time in nanoseconds since the epoch, exact";
    String status = "string: GOOD, UNCERTAIN or BAD";
    String reason = "string: why not GOOD (NONE, TIMEOUT, DISCONNECTED, DEVICE_ERROR, ...)";
    String rawStatus = "integer: the device's own status code, 0 if none";
    String detail = "string: explanation; also says when a NaN or infinite number was written as null";

    Map<String, String> sample = new LinkedHashMap<>();
    sample.put("type", "\"sample\": one value of one tag");
    sample.put("time", time + "; when the device sampled the value (source time)");
    sample.put("time_ns", timeNs);
    sample.put("device", "string: the device the batch came from");
    sample.put("tag", "string: the tag's name");
    sample.put("unit", "string: engineering unit, empty if none");
    sample.put("value", "number, boolean, string or array; null when status is BAD or the number was NaN/infinite");
    sample.put("status", status);
    sample.put("reason", reason);
    sample.put("raw_status", rawStatus);
    sample.put("detail", detail);
    sample.put("receive_time", time + "; when the SDK received the batch");
    sample.put("receive_time_ns", timeNs);
    all.put(SAMPLE, sample);

    Map<String, String> result = new LinkedHashMap<>();
    result.put("type", "\"result\": a pipeline's conclusion about one machine at one window");
    result.put("time", time + "; the time of the window's last row");
    result.put("time_ns", timeNs);
    result.put("pipeline", "string: the pipeline's name");
    result.put("machine", "string: the machine's name");
    result.put("sequence", "integer: rows the machine's window had received when scored");
    result.put("value", "number: the first output; null when BAD");
    result.put("outputs", "object: output name -> number; null values when BAD");
    result.put("status", status);
    result.put("reason", reason);
    result.put("raw_status", rawStatus);
    result.put("detail", detail);
    all.put(RESULT, result);

    Map<String, String> decision = new LinkedHashMap<>();
    decision.put("type", "\"decision\": what a write guard did with a proposed write");
    decision.put("time", time + "; when the guard decided");
    decision.put("time_ns", timeNs);
    decision.put("guard", "string: the guard's name");
    decision.put("tag", "string: the guarded tag");
    decision.put("outcome", "string: ACCEPTED, CLAMPED, BLOCKED, FALLBACK, BACKED_OFF or FAILED");
    decision.put("mode", "string: SHADOW (decide only) or LIVE (write)");
    decision.put("proposed", "number: the value the model proposed; null if none");
    decision.put("decided", "number: the value the checks let through; null if blocked or holding");
    decision.put("written", "number: the value written and confirmed; null if nothing was written");
    decision.put("before", "number: the device's value before; null if unreadable");
    decision.put("after", "number: the device's value after");
    decision.put("reason", "string: why, in words");
    all.put(DECISION, decision);

    Map<String, String> alarm = new LinkedHashMap<>();
    alarm.put("type", "\"alarm\": an alarm raised or cleared");
    alarm.put("time", time + "; the time of the result that caused it");
    alarm.put("time_ns", timeNs);
    alarm.put("alarm", "string: the alarm's name");
    alarm.put("pipeline", "string: the pipeline's name");
    alarm.put("machine", "string: the machine's name");
    alarm.put("kind", "string: RAISED or CLEARED");
    alarm.put("value", "number: the value that raised or cleared it");
    alarm.put("threshold", "number: the threshold crossed");
    all.put(ALARM, alarm);

    Map<String, String> operator = new LinkedHashMap<>();
    operator.put("type", "\"operator\": a change of a guarded value the SDK did not make");
    operator.put("time", time + "; when the change was noticed");
    operator.put("time_ns", timeNs);
    operator.put("device", "string: the device's URI");
    operator.put("tag", "string: the tag that changed");
    operator.put("expected", "number: the value the SDK last wrote or saw");
    operator.put("found", "number: the value found instead");
    all.put(OPERATOR, operator);

    Map<String, String> label = new LinkedHashMap<>();
    label.put("type", "\"label\": a fact added through the API (an operator's note, a lab result)");
    label.put("time", time + "; the time the label is about");
    label.put("time_ns", timeNs);
    label.put("machine", "string: the machine it is about");
    label.put("name", "string: what is labelled, e.g. lab_viscosity");
    label.put("value", "number, boolean, string or null");
    label.put("note", "string or null: free text");
    all.put(LABEL, label);

    Map<String, Map<String, String>> frozen = new LinkedHashMap<>();
    all.forEach((type, fields) -> frozen.put(type, Collections.unmodifiableMap(fields)));
    return Collections.unmodifiableMap(frozen);
  }
}
