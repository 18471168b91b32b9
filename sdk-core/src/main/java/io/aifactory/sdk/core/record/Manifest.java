package io.aifactory.sdk.core.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The list of completed files, oldest first, as written to {@code manifest.json}. Owned by the writer thread.
 *
 * <pre>{@code
 * {"schema":"aifactory-recording-manifest","version":1,"recorder":"line1","files":[
 *   {"file":"line1-20240501T120000Z-000001.jsonl.gz","bytes":48213,"records":1200,
 *    "counts":{"sample":1000,"result":200,...},
 *    "first_time":"2024-05-01T12:00:00.000000000Z","first_time_ns":...,"last_time":"...","last_time_ns":...}]}
 * }</pre>
 */
final class Manifest {
  static final String FILE_NAME = "manifest.json";
  static final String SCHEMA = "aifactory-recording-manifest";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One completed file. */
  record Entry(String file, long bytes, long records, Map<String, Long> counts, String firstTime, long firstTimeNanos,
      String lastTime, long lastTimeNanos) {}

  private final List<Entry> files = new ArrayList<>();

  List<Entry> files() {
    return Collections.unmodifiableList(files);
  }

  void add(Entry entry) {
    files.add(entry);
  }

  void removeOldest() {
    files.remove(0);
  }

  long totalBytes() {
    long total = 0;
    for (Entry e : files) total += e.bytes();
    return total;
  }

  byte[] toJson(String recorder) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("schema", SCHEMA);
    root.put("version", RecordFormat.VERSION);
    root.put("recorder", recorder);
    ArrayNode list = root.putArray("files");
    for (Entry e : files) {
      ObjectNode f = list.addObject();
      f.put("file", e.file());
      f.put("bytes", e.bytes());
      f.put("records", e.records());
      ObjectNode counts = f.putObject("counts");
      e.counts().forEach(counts::put);
      f.put("first_time", e.firstTime());
      f.put("first_time_ns", e.firstTimeNanos());
      f.put("last_time", e.lastTime());
      f.put("last_time_ns", e.lastTimeNanos());
    }
    return JSON.writeValueAsBytes(root);
  }

  /** Reads the entries of a manifest written by {@link #toJson}; throws if it is not one. */
  static List<Entry> parse(byte[] json) throws IOException {
    JsonNode root = JSON.readTree(json);
    if (root == null || !SCHEMA.equals(root.path("schema").asText())) {
      throw new IOException("not an " + SCHEMA + " file");
    }
    List<Entry> entries = new ArrayList<>();
    for (JsonNode f : root.path("files")) {
      Map<String, Long> counts = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> c : f.path("counts").properties()) counts.put(c.getKey(), c.getValue().asLong());
      entries.add(new Entry(f.path("file").asText(), f.path("bytes").asLong(), f.path("records").asLong(), counts,
          f.path("first_time").asText(null), f.path("first_time_ns").asLong(), f.path("last_time").asText(null),
          f.path("last_time_ns").asLong()));
    }
    return entries;
  }
}
