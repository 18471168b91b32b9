package io.aifactory.sdk.kafka.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** A {@code samples} record read back: its rows by tag name, turned into rows of the consumer's own tags. */
public final class SamplesRecord {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final long receiveTimeNanos;
  private final Map<String, JsonNode> rows;

  private SamplesRecord(long receiveTimeNanos, Map<String, JsonNode> rows) {
    this.receiveTimeNanos = receiveTimeNanos;
    this.rows = rows;
  }

  /**
   * Parses a value written by the sink.
   *
   * @throws IOException if it is not JSON or not a {@code samples} object
   */
  public static SamplesRecord parse(byte[] value) throws IOException {
    JsonNode root = JSON.readTree(value);
    if (root == null || !"samples".equals(root.path("type").asText()) || !root.path("rows").isArray()) {
      throw new IOException("not a samples record: " + (root == null ? "empty" : root.path("type")));
    }
    Map<String, JsonNode> rows = new HashMap<>();
    for (JsonNode row : root.path("rows")) rows.put(row.path("tag").asText(), row);
    return new SamplesRecord(root.path("receive_time_ns").asLong(0), rows);
  }

  public long receiveTimeNanos() {
    return receiveTimeNanos;
  }

  /** Returns whether the record has a row for tag {@code name}. */
  public boolean has(String name) {
    return rows.containsKey(name);
  }

  /** Returns the newest source time of the rows, or the receive time if none. */
  public long newestTimeNanos() {
    long t = Long.MIN_VALUE;
    for (JsonNode row : rows.values()) t = Math.max(t, row.path("time_ns").asLong(Long.MIN_VALUE));
    return t == Long.MIN_VALUE ? receiveTimeNanos : t;
  }

  /**
   * Adds the row published for {@code publishedName} as a row of {@code tag}; a tag the record does not carry
   * becomes a BAD row (CONFIG_ERROR) saying so, never a made-up value.
   */
  public void addRow(SampleBatch.Builder b, Tag tag, String publishedName, String key) {
    JsonNode row = rows.get(publishedName);
    if (row == null) {
      b.addBad(tag, Quality.bad(Quality.Reason.CONFIG_ERROR, "record of " + key + " has no tag '" + publishedName
          + "'"), newestTimeNanos());
      return;
    }
    long time = row.path("time_ns").asLong(receiveTimeNanos);
    Quality q = quality(row);
    JsonNode v = row.path("value");
    if (q.isBad()) {
      b.addBad(tag, q, time);
    } else if (v.isNull() || v.isMissingNode()) {
      b.add(tag, Double.NaN, q, time); // a NaN the sink had to write as null; the detail says so
    } else if (v.isBoolean()) {
      b.add(tag, v.booleanValue() ? 1 : 0, q, time);
    } else if (v.isIntegralNumber() && v.canConvertToLong() && tag.dataType().kind().isInteger()) {
      b.addLong(tag, v.longValue(), q, time);
    } else if (v.isNumber()) {
      b.add(tag, v.doubleValue(), q, time);
    } else if (v.isArray()) {
      double[] a = new double[v.size()];
      for (int i = 0; i < a.length; i++) a[i] = v.get(i).isNumber() ? v.get(i).doubleValue() : Double.NaN;
      b.addObject(tag, a, q, time);
    } else {
      b.addObject(tag, v.asText(), q, time);
    }
  }

  private static Quality quality(JsonNode row) {
    Quality.Status status;
    Quality.Reason reason;
    try {
      status = Quality.Status.valueOf(row.path("status").asText("GOOD"));
    } catch (IllegalArgumentException e) {
      status = Quality.Status.UNCERTAIN;
    }
    try {
      reason = Quality.Reason.valueOf(row.path("reason").asText("NONE"));
    } catch (IllegalArgumentException e) {
      reason = Quality.Reason.DEVICE_FLAGGED; // a reason newer than this reader: keep the status, say so below
    }
    return Quality.of(status, reason, row.path("raw_status").asLong(0), row.path("detail").asText(""));
  }
}
