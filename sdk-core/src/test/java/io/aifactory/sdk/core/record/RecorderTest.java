package io.aifactory.sdk.core.record;

import static io.aifactory.sdk.core.record.Recordings.allRecords;
import static io.aifactory.sdk.core.record.Recordings.await;
import static io.aifactory.sdk.core.record.Recordings.filesEndingWith;
import static io.aifactory.sdk.core.record.Recordings.lines;
import static io.aifactory.sdk.core.record.Recordings.manifest;
import static io.aifactory.sdk.core.record.Recordings.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.guard.GuardDecision;
import io.aifactory.sdk.core.guard.GuardListener;
import io.aifactory.sdk.core.guard.GuardMode;
import io.aifactory.sdk.core.guard.OperatorAction;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.AlarmListener;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.pipeline.PipelineAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecorderTest {
  private static final long T0 = 1_714_564_800_123_456_789L; // 2024-05-01T12:00:00.123456789Z
  private static final String DEVICE = "modbus+tcp://10.0.0.5:502?unit=1";

  private final Tag temperature =
      Tag.newBuilder().name("temperature").address("holding:100:float32").dataType(DataType.FLOAT32).unit("degC")
          .build();
  private final Tag count = Tag.of("count", "holding:102:int64", DataType.INT64);
  private final Tag running = Tag.of("running", "coil:1", DataType.BOOL);
  private final Tag recipe = Tag.of("recipe", "ns=2;s=Recipe", DataType.STRING);
  private final Tag pressure = Tag.of("pressure", "holding:104:float32", DataType.FLOAT32);
  private final Tag flow = Tag.of("flow", "holding:106:float32", DataType.FLOAT32);

  @TempDir
  Path dir;

  private Recorder.Builder recorder() {
    return Recorder.newBuilder().name("line1").directory(dir);
  }

  @Test
  void shouldPlugIntoPipelinesGuardsAndAlarmsAsIs() {
    try (Recorder recorder = recorder().build()) {
      PipelineAction action = recorder;
      GuardListener guardListener = recorder;
      AlarmListener alarmListener = recorder;
      assertTrue(action != null && guardListener != null && alarmListener != null);
    }
  }

  @Test
  void shouldWriteEveryRecordTypeAsOneJsonLineAfterTheSchemaHeader() {
    SampleBatch batch = SampleBatch.newBuilder(6)
        .add(temperature, 71.5, Quality.GOOD, T0)
        .addLong(count, (1L << 62) + 1, Quality.GOOD, T0 + 1)
        .add(running, 1, Quality.GOOD, T0 + 2)
        .addObject(recipe, "PX-7", Quality.GOOD, T0 + 3)
        .addBad(pressure, Quality.bad(Quality.Reason.TIMEOUT, "no answer in 500 ms"), T0 + 4)
        .add(flow, Double.NaN, Quality.GOOD, T0 + 5)
        .receiveTimeNanos(T0 + 1_000_000)
        .build();
    try (Recorder recorder = recorder().build()) {
      recorder.start();
      assertTrue(recorder.recordSamples(DEVICE, batch));
      recorder.onResult(new MachineResult("anomaly", "press-1", 42, T0 + 10, Quality.GOOD, List.of("score", "drift"),
          new double[] {0.93, Double.NaN}));
      recorder.onResult(MachineResult.bad("anomaly", "press-2", 43, T0 + 11,
          Quality.bad(Quality.Reason.DISCONNECTED, "press-2 stale"), List.of("score")));
      recorder.onDecision(new GuardDecision("speed-guard", "setpoint", GuardDecision.Outcome.CLAMPED, GuardMode.LIVE,
          125, 110, 110, 100, 110, "step 25.0 > maxStep 10.0, clamped to 110.0", T0 + 12));
      recorder.onAlarm(new AlarmEvent("anomaly", "anomaly", "press-1", AlarmEvent.Kind.RAISED, 0.93, 0.9, T0 + 13));
      recorder.onOperatorAction(new OperatorAction(DEVICE, "setpoint", 110, 95, T0 + 14));
      Instant labTime = Instant.parse("2024-05-01T11:30:00Z");
      assertTrue(recorder.label("press-1", "lab_viscosity", 412.5, "lab sheet 17", labTime));
      assertTrue(recorder.label("press-1", "operator_ok", true, null));
    }

    assertEquals(List.of(), filesEndingWith(dir, ".part"), "no half file is left");
    List<String> files = filesEndingWith(dir, ".jsonl.gz");
    assertEquals(1, files.size(), files.toString());
    assertTrue(files.get(0).matches("line1-\\d{8}T\\d{6}Z-000001\\.jsonl\\.gz"), files.get(0));
    List<JsonNode> rows = records(dir.resolve(files.get(0)));
    assertEquals(13, rows.size(), rows.toString());

    JsonNode t = rows.get(0);
    assertEquals("sample", t.path("type").asText());
    assertEquals("2024-05-01T12:00:00.123456789Z", t.path("time").asText());
    assertEquals(T0, t.path("time_ns").asLong());
    assertEquals(DEVICE, t.path("device").asText());
    assertEquals("temperature", t.path("tag").asText());
    assertEquals("degC", t.path("unit").asText());
    assertEquals(71.5, t.path("value").asDouble());
    assertEquals("GOOD", t.path("status").asText());
    assertEquals("NONE", t.path("reason").asText());
    assertEquals("", t.path("detail").asText());
    assertEquals("2024-05-01T12:00:00.124456789Z", t.path("receive_time").asText());
    assertEquals(T0 + 1_000_000, t.path("receive_time_ns").asLong());

    assertEquals((1L << 62) + 1, rows.get(1).path("value").asLong(), "INT64 keeps every bit");
    assertTrue(rows.get(1).path("value").isIntegralNumber());
    assertTrue(rows.get(2).path("value").asBoolean());
    assertEquals("PX-7", rows.get(3).path("value").asText());

    JsonNode bad = rows.get(4);
    assertEquals("pressure", bad.path("tag").asText());
    assertTrue(bad.path("value").isNull(), "a BAD sample has no value: " + bad);
    assertEquals("BAD", bad.path("status").asText());
    assertEquals("TIMEOUT", bad.path("reason").asText());
    assertEquals("no answer in 500 ms", bad.path("detail").asText());

    JsonNode nan = rows.get(5);
    assertTrue(nan.path("value").isNull(), "JSON has no NaN: " + nan);
    assertEquals("GOOD", nan.path("status").asText(), "the device's quality is kept");
    assertTrue(nan.path("detail").asText().contains("NaN"), "the detail says why the value is null: " + nan);

    JsonNode result = rows.get(6);
    assertEquals("result", result.path("type").asText());
    assertEquals("anomaly", result.path("pipeline").asText());
    assertEquals("press-1", result.path("machine").asText());
    assertEquals(42, result.path("sequence").asLong());
    assertEquals(0.93, result.path("value").asDouble());
    assertEquals(0.93, result.path("outputs").path("score").asDouble());
    assertTrue(result.path("outputs").path("drift").isNull());
    assertTrue(result.path("detail").asText().contains("drift"), result.toString());
    assertEquals(T0 + 10, result.path("time_ns").asLong());

    JsonNode badResult = rows.get(7);
    assertEquals("BAD", badResult.path("status").asText());
    assertEquals("DISCONNECTED", badResult.path("reason").asText());
    assertTrue(badResult.path("value").isNull());
    assertTrue(badResult.path("outputs").path("score").isNull());

    JsonNode decision = rows.get(8);
    assertEquals("decision", decision.path("type").asText());
    assertEquals("speed-guard", decision.path("guard").asText());
    assertEquals("setpoint", decision.path("tag").asText());
    assertEquals("CLAMPED", decision.path("outcome").asText());
    assertEquals("LIVE", decision.path("mode").asText());
    assertEquals(125, decision.path("proposed").asDouble());
    assertEquals(110, decision.path("decided").asDouble());
    assertEquals(110, decision.path("written").asDouble());
    assertEquals(100, decision.path("before").asDouble());
    assertEquals(110, decision.path("after").asDouble());
    assertEquals("step 25.0 > maxStep 10.0, clamped to 110.0", decision.path("reason").asText());

    JsonNode alarm = rows.get(9);
    assertEquals("alarm", alarm.path("type").asText());
    assertEquals("RAISED", alarm.path("kind").asText());
    assertEquals(0.93, alarm.path("value").asDouble());
    assertEquals(0.9, alarm.path("threshold").asDouble());

    JsonNode operator = rows.get(10);
    assertEquals("operator", operator.path("type").asText());
    assertEquals(DEVICE, operator.path("device").asText());
    assertEquals("setpoint", operator.path("tag").asText());
    assertEquals(110, operator.path("expected").asDouble());
    assertEquals(95, operator.path("found").asDouble());
    assertEquals(T0 + 14, operator.path("time_ns").asLong());

    JsonNode lab = rows.get(11);
    assertEquals("label", lab.path("type").asText());
    assertEquals("press-1", lab.path("machine").asText());
    assertEquals("lab_viscosity", lab.path("name").asText());
    assertEquals(412.5, lab.path("value").asDouble());
    assertEquals("lab sheet 17", lab.path("note").asText());
    assertEquals("2024-05-01T11:30:00.000000000Z", lab.path("time").asText(), "the label keeps the time it is about");

    JsonNode ok = rows.get(12);
    assertTrue(ok.path("value").asBoolean());
    assertTrue(ok.path("note").isNull());
    assertTrue(ok.path("time_ns").asLong() > T0, "a label without a time is stamped now");
  }

  @Test
  void shouldDescribeEveryWrittenFieldInTheSchemaHeader() {
    try (Recorder recorder = recorder().build()) {
      recorder.recordSamples(DEVICE, SampleBatch.newBuilder(1).add(temperature, 1, Quality.GOOD, T0).build());
      recorder.onResult(new MachineResult("p", "m", 1, T0, Quality.GOOD, List.of("score"), new double[] {0.1}));
      recorder.onDecision(new GuardDecision("g", "sp", GuardDecision.Outcome.BLOCKED, GuardMode.SHADOW, 5,
          Double.NaN, Double.NaN, 1, 1, "too soon", T0));
      recorder.onAlarm(new AlarmEvent("a", "p", "m", AlarmEvent.Kind.CLEARED, 0.1, 0.5, T0));
      recorder.onOperatorAction(new OperatorAction(DEVICE, "sp", 1, 2, T0));
      recorder.label("m", "scrap", 3, "counted by hand");
    }
    List<JsonNode> lines = lines(Recordings.manifestFiles(dir).get(0));
    JsonNode fields = lines.get(0).path("fields");
    Set<String> seen = new java.util.HashSet<>();
    for (JsonNode record : lines.subList(1, lines.size())) {
      String type = record.path("type").asText();
      seen.add(type);
      JsonNode described = fields.path(type);
      assertTrue(described.isObject(), "the header describes type " + type);
      for (Iterator<String> names = record.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        assertTrue(described.has(name), type + "." + name + " is described in the header");
      }
      for (Iterator<String> names = described.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        assertTrue(record.has(name), type + "." + name + " is written: " + record);
      }
    }
    assertEquals(Set.of("sample", "result", "decision", "alarm", "operator", "label"), seen);
  }

  @Test
  void shouldListCompletedFilesInTheManifestWithCountsThatMatchTheirContent() throws Exception {
    try (Recorder recorder = recorder().rotateAtBytes(2_000).build()) {
      recorder.start();
      for (int i = 0; i < 300; i++) {
        recorder.recordSamples(DEVICE, SampleBatch.newBuilder(1).add(flow, i * 0.37, Quality.GOOD, T0 + i).build());
        if (i % 10 == 0) recorder.label("press-1", "mark", i, null, Instant.ofEpochSecond(0, T0 + i));
      }
    }
    JsonNode manifest = manifest(dir);
    assertEquals("aifactory-recording-manifest", manifest.path("schema").asText());
    assertEquals("line1", manifest.path("recorder").asText());
    assertTrue(manifest.path("files").size() > 1, "rotated: " + manifest);
    List<String> listed = new ArrayList<>();
    for (JsonNode entry : manifest.path("files")) {
      Path file = dir.resolve(entry.path("file").asText());
      listed.add(entry.path("file").asText());
      List<JsonNode> rows = records(file);
      Map<String, Long> counts = new HashMap<>();
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      for (JsonNode row : rows) {
        counts.merge(row.path("type").asText(), 1L, Long::sum);
        first = Math.min(first, row.path("time_ns").asLong());
        last = Math.max(last, row.path("time_ns").asLong());
      }
      assertEquals(Files.size(file), entry.path("bytes").asLong(), "bytes of " + file);
      assertEquals(rows.size(), entry.path("records").asLong(), "records of " + file);
      for (String type : List.of("sample", "result", "decision", "alarm", "operator", "label")) {
        assertEquals(counts.getOrDefault(type, 0L).longValue(), entry.path("counts").path(type).asLong(),
            type + " count of " + file);
      }
      assertEquals(first, entry.path("first_time_ns").asLong());
      assertEquals(last, entry.path("last_time_ns").asLong());
    }
    assertEquals(filesEndingWith(dir, ".jsonl.gz"), listed, "the manifest lists every completed file, oldest first");
    assertEquals(330, allRecords(dir).size());
  }

  @Test
  void shouldWriteEverythingAcceptedWhenClosedAtOnce() {
    int batches = 2_000;
    int rowsPerBatch = 10;
    Recorder recorder = recorder().build();
    recorder.start();
    for (int b = 0; b < batches; b++) {
      SampleBatch.Builder batch = SampleBatch.newBuilder(rowsPerBatch);
      for (int r = 0; r < rowsPerBatch; r++) batch.add(flow, b * rowsPerBatch + r, Quality.GOOD, T0);
      assertTrue(recorder.recordSamples(DEVICE, batch.build()));
    }
    recorder.close();

    RecorderMetrics metrics = recorder.metrics();
    assertEquals(batches * rowsPerBatch, metrics.accepted());
    assertEquals(metrics.accepted(), metrics.recorded(), metrics.toString());
    assertEquals(0, metrics.queued());
    assertEquals(0, metrics.lost());
    List<JsonNode> rows = allRecords(dir);
    assertEquals(batches * rowsPerBatch, rows.size());
    for (int i = 0; i < rows.size(); i++) assertEquals(i, rows.get(i).path("value").asDouble(), "row " + i);
  }

  @Test
  void shouldRefuseAndCountRecordsBeyondTheQueueCapacity() {
    // Not started: nothing drains the queue until close(), so what fits is exact.
    Recorder recorder = recorder().queueCapacity(5).build();
    assertTrue(recorder.label("m", "n", 1, null));
    assertTrue(recorder.label("m", "n", 2, null));
    assertTrue(recorder.label("m", "n", 3, null));
    SampleBatch four = SampleBatch.newBuilder(4)
        .add(flow, 4, Quality.GOOD, T0).add(flow, 5, Quality.GOOD, T0)
        .add(flow, 6, Quality.GOOD, T0).add(flow, 7, Quality.GOOD, T0).build();
    assertFalse(recorder.recordSamples(DEVICE, four), "only two of four rows fit");
    assertFalse(recorder.label("m", "n", 8, null));
    recorder.onResult(new MachineResult("p", "m", 1, T0, Quality.GOOD, List.of("score"), new double[] {9}));
    assertEquals(5, recorder.metrics().accepted());
    assertEquals(4, recorder.metrics().refused());
    assertEquals(5, recorder.metrics().queued());

    recorder.close();
    List<Double> values = new ArrayList<>();
    for (JsonNode row : allRecords(dir)) values.add(row.path("value").asDouble());
    assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0), values, "what was accepted is written, in order");
    assertEquals(5, recorder.metrics().recorded());
  }

  @Test
  void shouldRefuseAndCountRecordsAfterClose() {
    Recorder recorder = recorder().build();
    recorder.start();
    recorder.close();
    assertFalse(recorder.label("m", "late", 1, null));
    recorder.onAlarm(new AlarmEvent("a", "p", "m", AlarmEvent.Kind.RAISED, 1, 0.5, T0));
    assertEquals(2, recorder.metrics().refused());
    assertEquals(List.of(), filesEndingWith(dir, ".jsonl.gz"), "no records, no file");
  }

  @Test
  void shouldRecordOnlyTheChosenTags() {
    try (Recorder recorder = recorder().tags(List.of("flow")).build()) {
      recorder.start();
      recorder.recordSamples(DEVICE, SampleBatch.newBuilder(2)
          .add(temperature, 20, Quality.GOOD, T0).add(flow, 3.5, Quality.GOOD, T0).build());
    }
    List<JsonNode> rows = allRecords(dir);
    assertEquals(1, rows.size());
    assertEquals("flow", rows.get(0).path("tag").asText());
  }

  @Test
  void shouldShowOnlyAPartFileUntilTheFileIsComplete() {
    Recorder recorder = recorder().build();
    recorder.start();
    recorder.label("m", "n", 1, null);
    await("the record is written", () -> recorder.metrics().recorded() == 1);
    assertEquals(1, filesEndingWith(dir, ".jsonl.gz.part").size());
    assertEquals(List.of(), filesEndingWith(dir, ".jsonl.gz"), "readers see no file before it is complete");
    recorder.close();
    assertEquals(List.of(), filesEndingWith(dir, ".part"));
    assertEquals(1, filesEndingWith(dir, ".jsonl.gz").size());
  }

  @Test
  void shouldKeepEarlierRunsInTheManifest() {
    try (Recorder first = recorder().build()) {
      first.label("m", "run", 1, null);
    }
    try (Recorder second = recorder().build()) {
      second.label("m", "run", 2, null);
    }
    List<JsonNode> rows = allRecords(dir);
    assertEquals(2, rows.size());
    assertEquals(1, rows.get(0).path("value").asInt());
    assertEquals(2, rows.get(1).path("value").asInt());
  }

  @Test
  void shouldRejectMisuseWithTheFailedExpression() {
    Recorder.Builder b = Recorder.newBuilder();
    assertEquals("queueCapacity <= 0: 0",
        assertThrows(IllegalArgumentException.class, () -> b.queueCapacity(0)).getMessage());
    assertEquals("rotateAtBytes <= 0: -1",
        assertThrows(IllegalArgumentException.class, () -> b.rotateAtBytes(-1)).getMessage());
    assertEquals("rotateEvery <= 0: PT0S",
        assertThrows(IllegalArgumentException.class, () -> b.rotateEvery(Duration.ZERO)).getMessage());
    assertEquals("retainFiles <= 0: 0",
        assertThrows(IllegalArgumentException.class, () -> b.retainFiles(0)).getMessage());
    assertEquals("retainBytes <= 0: 0",
        assertThrows(IllegalArgumentException.class, () -> b.retainBytes(0)).getMessage());
    assertEquals("name not [A-Za-z0-9._-]+: a/b",
        assertThrows(IllegalArgumentException.class, () -> b.name("a/b")).getMessage());
    assertEquals("directory == null", assertThrows(IllegalStateException.class, b::build).getMessage());
    try (Recorder recorder = recorder().build()) {
      assertThrows(IllegalArgumentException.class, () -> recorder.label("m", "n", new Object(), null));
      recorder.start();
      assertThrows(IllegalStateException.class, recorder::start);
    }
  }

  @Test
  void shouldNameItsWriterThreadAfterItself() {
    try (Recorder recorder = recorder().build()) {
      recorder.start();
      Thread writer = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().equals("recorder-line1")).findFirst().orElseThrow();
      assertTrue(writer.isDaemon());
    }
  }
}
