package io.aifactory.sdk.core.record;

import static io.aifactory.sdk.core.record.Recordings.allRecords;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several threads record at once into a queue small enough to overflow. Each thread remembers which of its records
 * were accepted; the files must hold exactly those, once each, in each thread's order.
 */
class RecorderConcurrentTest {
  private static final int THREADS = 4;
  private static final int PER_THREAD = 5_000;

  @TempDir
  Path dir;

  @Test
  void shouldWriteExactlyTheAcceptedRecordsOfEveryThreadInItsOrder() throws Exception {
    Recorder recorder = Recorder.newBuilder().name("many").directory(dir).queueCapacity(64).rotateAtBytes(50_000)
        .build();
    recorder.start();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<List<Integer>>> accepted = new ArrayList<>();
    try {
      for (int t = 0; t < THREADS; t++) {
        String machine = "m" + t;
        accepted.add(pool.submit(() -> {
          List<Integer> mine = new ArrayList<>();
          for (int i = 0; i < PER_THREAD; i++) {
            if (recorder.label(machine, "n", i, null)) mine.add(i);
          }
          return mine;
        }));
      }
      Map<String, List<Integer>> expected = new HashMap<>();
      for (int t = 0; t < THREADS; t++) expected.put("m" + t, accepted.get(t).get());
      recorder.close();

      Map<String, List<Integer>> written = new HashMap<>();
      for (JsonNode row : allRecords(dir)) {
        written.computeIfAbsent(row.path("machine").asText(), k -> new ArrayList<>()).add(row.path("value").asInt());
      }
      written.keySet().forEach(m -> assertTrue(expected.containsKey(m), m));
      for (int t = 0; t < THREADS; t++) {
        assertEquals(expected.get("m" + t), written.getOrDefault("m" + t, List.of()), "records of thread " + t);
      }
      RecorderMetrics metrics = recorder.metrics();
      assertEquals((long) THREADS * PER_THREAD, metrics.accepted() + metrics.refused(), metrics.toString());
      assertEquals(metrics.accepted(), metrics.recorded());
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    }
  }
}
