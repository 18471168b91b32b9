package io.aifactory.sdk.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.MachineResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Tag N = Tag.of("n", "holding:0:uint32", DataType.UINT32);
  private static final Tag TEMP = Tag.of("temp", "holding:2:float32", DataType.FLOAT32);
  /** Records of the past (an hour ago): the broker must get these times, not the time of sending. */
  private static final long T0 = (System.currentTimeMillis() - 3_600_000L) * 1_000_000L;

  private static TestBroker broker;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = new TestBroker();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) broker.close();
  }

  private KafkaSink.Builder sink(String topicPrefix) {
    return KafkaSink.newBuilder().bootstrapServers(broker.bootstrapServers()).plant("p1").line("l1")
        .bufferDirectory(dir).samplesTopic(topicPrefix + ".samples").resultsTopic(topicPrefix + ".results")
        .alarmsTopic(topicPrefix + ".alarms").decisionsTopic(topicPrefix + ".decisions")
        .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
        // a broker that is away should fail a batch in seconds, not the production default of 30 s
        .producerProperty("delivery.timeout.ms", "4000").producerProperty("request.timeout.ms", "1500")
        .producerProperty("max.block.ms", "1500").producerProperty("reconnect.backoff.max.ms", "200");
  }

  static SampleBatch batch(long n, long timeNanos) {
    return SampleBatch.newBuilder(2).receiveTimeNanos(timeNanos + 1_000_000)
        .addLong(N, n, Quality.GOOD, timeNanos).add(TEMP, 20 + n * 0.5, Quality.GOOD, timeNanos).build();
  }

  private static JsonNode json(ConsumerRecord<byte[], byte[]> r) throws Exception {
    return JSON.readTree(r.value());
  }

  /** Checks that each key's records arrive in order (a repeat of the latest is at-least-once, allowed). */
  private static Map<String, List<Long>> inOrderPerKey(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
    Map<String, List<Long>> byKey = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      String key = new String(r.key(), StandardCharsets.UTF_8);
      JsonNode v = json(r);
      long n = v.path("rows").get(0).path("value").asLong();
      assertEquals(v.path("time_ns").asLong() / 1_000_000L, r.timestamp(), "Kafka timestamp is the record's own");
      List<Long> seen = byKey.computeIfAbsent(key, k -> new ArrayList<>());
      if (!seen.isEmpty() && seen.get(seen.size() - 1) >= n) {
        assertTrue(seen.contains(n), key + ": " + n + " after " + seen.get(seen.size() - 1) + " and never seen");
        continue;
      }
      seen.add(n);
    }
    return byKey;
  }

  private static List<Long> range(int from, int to) {
    List<Long> l = new ArrayList<>();
    for (long i = from; i < to; i++) l.add(i);
    return l;
  }

  @Test
  void shouldPublishKeyedInOrderPerMachineInTheRecordingSchema() throws Exception {
    broker.createTopic("a.samples", 3);
    try (KafkaSink sink = sink("a").build()) {
      sink.start();
      for (int i = 0; i < 100; i++) {
        for (String device : List.of("press-1", "press-2", "press-3")) {
          assertTrue(sink.recordSamples(device, batch(i, T0 + i * 1_000_000_000L)));
        }
      }
      sink.onResult(new MachineResult("pca", "press-1", 10, T0, Quality.GOOD, List.of("score"), new double[] {3.5}));
      sink.onAlarm(new AlarmEvent("anomaly", "pca", "press-1", AlarmEvent.Kind.RAISED, 12, 10, T0));
      assertTrue(sink.flush(Duration.ofSeconds(60)), sink.bufferMetrics().toString());
      assertEquals(302, sink.bufferMetrics().delivered());
    }
    List<ConsumerRecord<byte[], byte[]>> samples = broker.readAll("a.samples", 300, Duration.ofSeconds(30));
    Map<String, List<Long>> byKey = inOrderPerKey(samples);
    assertEquals(Set.of("p1/l1/press-1", "p1/l1/press-2", "p1/l1/press-3"), byKey.keySet());
    for (List<Long> ns : byKey.values()) assertEquals(range(0, 100), ns);
    // one machine, one partition
    Map<String, Set<Integer>> partitions = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : samples) {
      partitions.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new HashSet<>()).add(r.partition());
    }
    partitions.values().forEach(p -> assertEquals(1, p.size()));

    JsonNode first = json(samples.get(0));
    assertEquals("samples", first.path("type").asText());
    assertEquals("p1", first.path("plant").asText());
    assertEquals("l1", first.path("line").asText());
    JsonNode row = first.path("rows").get(1);
    assertEquals("sample", row.path("type").asText());
    assertEquals("temp", row.path("tag").asText());
    assertEquals("GOOD", row.path("status").asText());

    ConsumerRecord<byte[], byte[]> result = broker.readAll("a.results", 1, Duration.ofSeconds(30)).get(0);
    assertEquals("p1/l1/press-1", new String(result.key(), StandardCharsets.UTF_8));
    assertEquals(3.5, json(result).path("outputs").path("score").asDouble());
    assertEquals(T0 / 1_000_000L, result.timestamp());
    ConsumerRecord<byte[], byte[]> alarm = broker.readAll("a.alarms", 1, Duration.ofSeconds(30)).get(0);
    assertEquals("RAISED", json(alarm).path("kind").asText());
  }

  @Test
  void shouldDeliverEverythingInOrderWithOriginalTimesAfterTheBrokerWasDown() throws Exception {
    broker.createTopic("b.samples", 2);
    broker.proxy().down();
    try (KafkaSink sink = sink("b").build()) {
      sink.start();
      for (int i = 0; i < 200; i++) sink.recordSamples("press-" + (i % 2), batch(i / 2, T0 + i * 1_000_000L));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (sink.sendFailures() < 2 && System.nanoTime() < deadline) Thread.sleep(50);
      assertTrue(sink.sendFailures() >= 2, "the sink noticed the outage");
      assertEquals(200, sink.bufferMetrics().pending(), "nothing sent, nothing lost while down");
      // more records arrive during the outage
      for (int i = 200; i < 300; i++) sink.recordSamples("press-" + (i % 2), batch(i / 2, T0 + i * 1_000_000L));
      broker.proxy().up();
      assertTrue(sink.flush(Duration.ofSeconds(60)), sink.bufferMetrics().toString());
      assertEquals(0, sink.bufferMetrics().droppedBySize() + sink.bufferMetrics().droppedByAge());
    } finally {
      broker.proxy().up();
    }
    Map<String, List<Long>> byKey = inOrderPerKey(broker.readAll("b.samples", 300, Duration.ofSeconds(30)));
    assertEquals(range(0, 150), byKey.get("p1/l1/press-0"));
    assertEquals(range(0, 150), byKey.get("p1/l1/press-1"));
  }

  @Test
  void shouldDeliverAfterAGatewayRestartWhileDisconnected() throws Exception {
    broker.createTopic("c.samples", 1);
    broker.proxy().down();
    try {
      try (KafkaSink sink = sink("c").closeTimeout(Duration.ofSeconds(2)).build()) {
        sink.start();
        for (int i = 0; i < 50; i++) sink.recordSamples("press-1", batch(i, T0 + i * 1_000_000L));
      } // the gateway goes down with 50 records on disk
      broker.proxy().up();
      try (KafkaSink restarted = sink("c").build()) {
        restarted.start();
        assertEquals(50, restarted.bufferMetrics().recovered());
        for (int i = 50; i < 60; i++) restarted.recordSamples("press-1", batch(i, T0 + i * 1_000_000L));
        assertTrue(restarted.flush(Duration.ofSeconds(60)), restarted.bufferMetrics().toString());
      }
    } finally {
      broker.proxy().up();
    }
    Map<String, List<Long>> byKey = inOrderPerKey(broker.readAll("c.samples", 60, Duration.ofSeconds(30)));
    assertEquals(range(0, 60), byKey.get("p1/l1/press-1"));
  }
}
