package io.aifactory.sdk.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two instances of a fleet in one consumer group: Kafka splits the machines, and moves them when one leaves. */
class KafkaDeviceGroupTest {
  private static final int MACHINES = 8;
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

  /** What one instance received: per machine, the values of tag n, and the gap markers. */
  static final class Received {
    final Map<String, List<Long>> values = new ConcurrentHashMap<>();
    final Map<String, List<String>> gaps = new ConcurrentHashMap<>();

    void onSamples(SampleBatch b) {
      String machine = b.tag(0).name().substring(0, b.tag(0).name().indexOf('.'));
      assertEquals(2, b.size(), "a batch holds one machine's tags");
      if (b.quality(0).isBad()) {
        assertEquals(Quality.Reason.DISCONNECTED, b.quality(0).reason());
        gaps.computeIfAbsent(machine, k -> new ArrayList<>()).add(b.quality(0).detail());
      } else {
        // Read by the test thread while the device's thread adds.
        values.computeIfAbsent(machine, k -> Collections.synchronizedList(new ArrayList<>())).add(b.longValue(0));
      }
    }

    /** Returns whether the last value received for {@code machine} is {@code value}. */
    boolean lastIs(String machine, long value) {
      List<Long> v = values.get(machine);
      if (v == null) return false;
      synchronized (v) {
        return !v.isEmpty() && v.get(v.size() - 1) == value;
      }
    }

    Set<String> machines() {
      return new TreeSet<>(values.keySet());
    }

    void clear() {
      values.clear();
      gaps.clear();
    }
  }

  private static List<Tag> allTags() {
    List<Tag> tags = new ArrayList<>();
    for (int m = 0; m < MACHINES; m++) {
      tags.add(Tag.of("m" + m + ".n", "p1/l1/m" + m + "/n", DataType.UINT32));
      tags.add(Tag.of("m" + m + ".temp", "p1/l1/m" + m + "/temp", DataType.FLOAT32));
    }
    return tags;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within 60 s: " + what);
      Thread.sleep(50);
    }
  }

  private static void publish(KafkaSink sink, long from, long to) {
    long now = System.currentTimeMillis() * 1_000_000L;
    for (long i = from; i < to; i++) {
      for (int m = 0; m < MACHINES; m++) sink.recordSamples("m" + m, KafkaSinkTest.batch(i, now + i));
    }
  }

  @Test
  void shouldSplitMachinesAcrossTheGroupAndMoveThemWithTheGapMarked() throws Exception {
    broker.createTopic("g.samples", 4);
    String uri = "kafka://" + broker.bootstrapServers() + "?topic=g.samples&group=fleet";
    Received a = new Received();
    Received b = new Received();
    try (KafkaSink sink = KafkaSink.newBuilder().bootstrapServers(broker.bootstrapServers()).plant("p1").line("l1")
        .bufferDirectory(dir).samplesTopic("g.samples").build();
        Device instanceB = Devices.open(uri)) {
      sink.start();
      Device instanceA = Devices.open(uri);
      try {
        instanceA.subscribe(allTags(), SubscriptionOptions.every(Duration.ofSeconds(1)), a::onSamples);
        instanceB.subscribe(allTags(), SubscriptionOptions.every(Duration.ofSeconds(1)), b::onSamples);
        await(() -> instanceA.state() == ConnectionState.CONNECTED && instanceB.state() == ConnectionState.CONNECTED,
            "both instances joined the group");
        // Until the group has settled, publish and look: both instances receive, and every machine arrives.
        long n = 0;
        while (true) {
          publish(sink, n, n + 1);
          n++;
          Thread.sleep(100);
          Set<String> union = new TreeSet<>(a.machines());
          union.addAll(b.machines());
          if (!a.machines().isEmpty() && !b.machines().isEmpty() && union.size() == MACHINES) break;
          assertTrue(n < 600, "the group did not settle: a=" + a.machines() + " b=" + b.machines());
        }
        assertTrue(sink.flush(Duration.ofSeconds(30)));
        // Let the last of the settling round arrive before counting afresh: each machine's values come in order.
        long last = n - 1;
        await(() -> IntStream.range(0, MACHINES).allMatch(m -> a.lastIs("m" + m, last) || b.lastIs("m" + m, last)),
            "the settling round's last records");
        a.clear();
        b.clear();

        long start = n;
        publish(sink, start, start + 20);
        await(() -> a.values.values().stream().mapToInt(List::size).sum()
            + b.values.values().stream().mapToInt(List::size).sum() >= MACHINES * 20, "the second round");
        Set<String> ofA = a.machines();
        Set<String> ofB = b.machines();
        assertFalse(ofA.isEmpty(), "A has machines");
        assertFalse(ofB.isEmpty(), "B has machines");
        for (String m : ofA) assertFalse(ofB.contains(m), m + " on both instances");
        List<Long> expected = new ArrayList<>();
        for (long i = start; i < start + 20; i++) expected.add(i);
        for (String m : ofA) assertEquals(expected, a.values.get(m), "A, " + m);
        for (String m : ofB) assertEquals(expected, b.values.get(m), "B, " + m);
        assertTrue(a.gaps.isEmpty() && b.gaps.isEmpty(), "no gap while nothing moved: " + a.gaps + b.gaps);

        // A dies (leaves the group): its machines move to B, each with one gap marker before its first row.
        instanceA.close();
        b.clear();
        publish(sink, start + 20, start + 30);
        await(() -> b.machines().size() == MACHINES
            && b.values.values().stream().allMatch(v -> v.contains(start + 29)), "B takes every machine");
        assertEquals(ofA, new TreeSet<>(b.gaps.keySet()), "a gap marker for exactly the machines that moved");
        for (String m : ofA) {
          assertEquals(1, b.gaps.get(m).size());
          assertTrue(b.gaps.get(m).get(0).startsWith("gap: partition g.samples-"), b.gaps.get(m).get(0));
          // at least once: B resumes where A committed, so it may see a few of A's last rows again, never fewer
          List<Long> got = b.values.get(m);
          for (long i = start + 20; i < start + 30; i++) assertTrue(got.contains(i), m + " lost " + i + ": " + got);
        }
        for (String m : ofB) assertEquals(List.of(start + 20, start + 21, start + 22, start + 23, start + 24,
            start + 25, start + 26, start + 27, start + 28, start + 29), b.values.get(m), "B's own " + m);
      } finally {
        instanceA.close();
      }
    }
  }
}
