package io.aifactory.sdk.core.record;

import static io.aifactory.sdk.core.record.Recordings.allRecords;
import static io.aifactory.sdk.core.record.Recordings.await;
import static io.aifactory.sdk.core.record.Recordings.filesEndingWith;
import static io.aifactory.sdk.core.record.Recordings.manifest;
import static io.aifactory.sdk.core.record.Recordings.manifestFiles;
import static io.aifactory.sdk.core.record.Recordings.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecorderRotationTest {
  @TempDir
  Path dir;

  /** Labels with values that do not compress to nothing, so files grow at a realistic rate. */
  private static void labels(Recorder recorder, int from, int to) {
    Random random = new Random(from);
    for (int i = from; i < to; i++) {
      assertTrue(recorder.label("press-1", "reading", i, Long.toHexString(random.nextLong())));
    }
  }

  private static int value(JsonNode row) {
    return row.path("value").asInt();
  }

  @Test
  void shouldCompleteAFileEachTimeItsCompressedSizeReachesTheLimit() throws IOException {
    long limit = 4_000;
    try (Recorder recorder = Recorder.newBuilder().name("size").directory(dir).rotateAtBytes(limit).build()) {
      recorder.start();
      labels(recorder, 0, 3_000);
    }
    List<Path> files = manifestFiles(dir);
    assertTrue(files.size() >= 3, "rotated by size: " + files);
    for (Path file : files.subList(0, files.size() - 1)) {
      assertTrue(Files.size(file) >= limit, file + " completed early at " + Files.size(file) + " bytes");
    }
    assertEquals(List.of(), filesEndingWith(dir, ".part"));
    List<JsonNode> rows = allRecords(dir);
    assertEquals(3_000, rows.size());
    for (int i = 0; i < rows.size(); i++) assertEquals(i, value(rows.get(i)), "records stay in order across files");
  }

  @Test
  void shouldCompleteAFileWhenItIsOldEnoughEvenWithoutNewRecords() {
    Recorder recorder =
        Recorder.newBuilder().name("time").directory(dir).rotateEvery(Duration.ofMillis(200)).build();
    recorder.start();
    // A batch enters the queue at once, so however slow this machine, its rows land in the same file.
    assertTrue(recorder.recordSamples("plc", batch(0, 5)));
    await("the first file completes", () -> recorder.metrics().filesCompleted() == 1);
    assertEquals(1, filesEndingWith(dir, ".jsonl.gz").size());
    assertEquals(List.of(), filesEndingWith(dir, ".part"), "no records since: no new, empty file");
    assertTrue(recorder.recordSamples("plc", batch(5, 8)));
    await("the second file completes", () -> recorder.metrics().filesCompleted() == 2);
    recorder.close();

    List<Path> files = manifestFiles(dir);
    assertEquals(2, files.size(), files.toString());
    assertEquals(List.of(0, 1, 2, 3, 4), records(files.get(0)).stream().map(RecorderRotationTest::value).toList());
    assertEquals(List.of(5, 6, 7), records(files.get(1)).stream().map(RecorderRotationTest::value).toList());
  }

  private static SampleBatch batch(int from, int to) {
    Tag tag = Tag.of("count", "holding:0:int32", DataType.INT32);
    SampleBatch.Builder b = SampleBatch.newBuilder(to - from);
    for (int i = from; i < to; i++) b.addLong(tag, i, Quality.GOOD, i);
    return b.build();
  }

  @Test
  void shouldDeleteTheOldestFilesBeyondRetainFiles() {
    Recorder recorder = Recorder.newBuilder().name("keep").directory(dir).rotateAtBytes(2_000).retainFiles(2).build();
    recorder.start();
    labels(recorder, 0, 3_000);
    recorder.close();

    RecorderMetrics metrics = recorder.metrics();
    assertTrue(metrics.filesCompleted() > 3, metrics.toString());
    assertEquals(metrics.filesCompleted() - 2, metrics.filesDeleted());
    List<String> left = filesEndingWith(dir, ".jsonl.gz");
    assertEquals(2, left.size(), left.toString());
    assertEquals(left, manifestFiles(dir).stream().map(p -> p.getFileName().toString()).toList(),
        "the manifest lists what is left");
    List<JsonNode> rows = allRecords(dir);
    assertEquals(2_999, value(rows.get(rows.size() - 1)), "the newest records are kept");
    assertTrue(value(rows.get(0)) > 0, "the oldest records are gone");
    for (int i = 1; i < rows.size(); i++) assertEquals(value(rows.get(i - 1)) + 1, value(rows.get(i)));
  }

  @Test
  void shouldDeleteTheOldestFilesBeyondRetainBytes() throws IOException {
    long budget = 10_000;
    Recorder recorder =
        Recorder.newBuilder().name("bytes").directory(dir).rotateAtBytes(2_000).retainBytes(budget).build();
    recorder.start();
    labels(recorder, 0, 3_000);
    recorder.close();

    long total = 0;
    for (Path file : manifestFiles(dir)) total += Files.size(file);
    assertTrue(total <= budget, "kept " + total + " bytes");
    assertTrue(recorder.metrics().filesDeleted() > 0);
    long listed = 0;
    for (JsonNode f : manifest(dir).path("files")) listed += f.path("bytes").asLong();
    assertEquals(total, listed);
    assertEquals(filesEndingWith(dir, ".jsonl.gz").size(), manifest(dir).path("files").size());
  }

  @Test
  void shouldApplyRetentionToFilesOfEarlierRuns() {
    for (int run = 0; run < 3; run++) {
      try (Recorder recorder = Recorder.newBuilder().name("runs").directory(dir).retainFiles(2).build()) {
        recorder.label("m", "run", run, null);
      }
    }
    List<JsonNode> rows = allRecords(dir);
    assertEquals(List.of(1, 2), rows.stream().map(RecorderRotationTest::value).toList());
    assertEquals(2, filesEndingWith(dir, ".jsonl.gz").size());
  }
}
