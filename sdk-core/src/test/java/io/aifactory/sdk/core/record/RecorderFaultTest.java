package io.aifactory.sdk.core.record;

import static io.aifactory.sdk.core.record.Recordings.allRecords;
import static io.aifactory.sdk.core.record.Recordings.await;
import static io.aifactory.sdk.core.record.Recordings.filesEndingWith;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk fails under the recorder. Tests may run as root, which chmod does not stop, so the folder is blocked by
 * a regular file standing where the folder should be: creating the folder fails for every user.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang guard only; nothing here measures time
class RecorderFaultTest {
  private static final Tag FLOW = Tag.of("flow", "holding:0:float32", DataType.FLOAT32);

  @TempDir
  Path tmp;

  private static SampleBatch batch(int from, int to) {
    SampleBatch.Builder b = SampleBatch.newBuilder(to - from);
    for (int i = from; i < to; i++) b.add(FLOW, i, Quality.GOOD, i);
    return b.build();
  }

  private static int value(JsonNode row) {
    return row.path("value").asInt();
  }

  @Test
  void shouldKeepAcceptedRecordsWhileTheFolderIsBlockedAndWriteThemWhenItClears() throws IOException {
    Path dir = tmp.resolve("recordings");
    Files.writeString(dir, "not a folder");
    Recorder recorder = Recorder.newBuilder().name("blocked").directory(dir).build();
    recorder.start();
    assertTrue(recorder.recordSamples("plc", batch(0, 100)), "accepted although the disk fails");
    await("the failure is counted", () -> recorder.metrics().writeErrors() >= 1);
    assertTrue(recorder.recordSamples("plc", batch(100, 150)), "still accepting during the outage");
    assertEquals(0, recorder.metrics().recorded());
    assertEquals(150, recorder.metrics().queued());

    Files.delete(dir);
    await("the recorder resumes by itself", () -> recorder.metrics().recorded() == 150);
    recorder.close();

    RecorderMetrics metrics = recorder.metrics();
    assertEquals(0, metrics.lost());
    assertEquals(0, metrics.refused());
    List<JsonNode> rows = allRecords(dir);
    assertEquals(150, rows.size());
    for (int i = 0; i < rows.size(); i++) assertEquals(i, value(rows.get(i)), "row " + i);
    assertEquals(List.of(), filesEndingWith(dir, ".part"));
  }

  @Test
  void shouldRefuseAndCountWhatDoesNotFitWhileTheDiskIsDownAndWriteTheRest() throws IOException {
    Path dir = tmp.resolve("recordings");
    Files.writeString(dir, "not a folder");
    // A small file size keeps the writer's in-memory chunk small, so the queue fills soon.
    Recorder recorder =
        Recorder.newBuilder().name("full").directory(dir).queueCapacity(10).rotateAtBytes(1_000).build();
    recorder.start();
    int offered = 5_000; // far more than queue + what the writer may hold (at most a chunk and a queue's worth)
    for (int i = 0; i < offered; i++) recorder.label("press-1", "reading", i, null);
    RecorderMetrics during = recorder.metrics();
    assertTrue(during.refused() > 0, during.toString());
    assertEquals(offered, during.accepted() + during.refused());

    Files.delete(dir);
    await("every accepted record is written", () -> recorder.metrics().recorded() == during.accepted());
    recorder.close();
    List<JsonNode> rows = allRecords(dir);
    assertEquals(during.accepted(), rows.size());
    for (int i = 1; i < rows.size(); i++) {
      assertTrue(value(rows.get(i - 1)) < value(rows.get(i)), "accepted records keep their order");
    }
  }

  @Test
  void shouldCountWhatCouldNotBeWrittenWhenTheDiskStillFailsAtClose() throws IOException {
    Path dir = tmp.resolve("recordings");
    Files.writeString(dir, "not a folder");
    Recorder recorder =
        Recorder.newBuilder().name("gone").directory(dir).closeTimeout(Duration.ofMillis(100)).build();
    recorder.start();
    recorder.recordSamples("plc", batch(0, 20));
    recorder.label("press-1", "note", "still broken", null);
    recorder.close(); // must return, and must not throw

    RecorderMetrics metrics = recorder.metrics();
    assertEquals(21, metrics.lost(), metrics.toString());
    assertEquals(0, metrics.queued());
    assertEquals(0, metrics.recorded());
    assertTrue(metrics.writeErrors() >= 1);
  }

  @Test
  void shouldRetryAtCloseUntilTheFolderClears() throws Exception {
    Path dir = tmp.resolve("recordings");
    Files.writeString(dir, "not a folder");
    Recorder recorder =
        Recorder.newBuilder().name("late").directory(dir).closeTimeout(Duration.ofMinutes(1)).build();
    recorder.start();
    recorder.recordSamples("plc", batch(0, 30));
    await("the failure is counted", () -> recorder.metrics().writeErrors() >= 1);
    Thread closer = new Thread(recorder::close, "closer");
    closer.start();
    Files.delete(dir); // while close() waits
    closer.join();
    assertEquals(30, allRecords(dir).size());
    assertEquals(0, recorder.metrics().lost());
  }
}
