package io.aifactory.sdk.it.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.app.AifactoryApp;
import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.it.kafka.KafkaBroker;
import io.aifactory.sdk.testkit.onnx.OnnxModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet beyond one gateway, end to end: the same JSON pipeline (a real ONNX model) runs at the edge on the simulated
 * Modbus PLC, whose Kafka sink publishes each machine's samples and the edge's results and alarms; and centrally, on
 * {@code kafka://}, as two app instances in one consumer group that split the machines. Closing one moves its machines
 * to the other with the gap marked, and the survivor detects the fault injected at the PLC.
 */
class KafkaFleetTest {
  private static final int MACHINES = 4;
  private static final int ROWS = 5;
  // Keys p1/l1/m1..m4 hash to partitions 0, 3, 0, 1 of 4: however the group splits 4 partitions 2 + 2, each instance
  // gets at least one machine.
  private static final String PLANT = "p1";
  private static final String LINE = "l1";
  private static final String SAMPLES = "fleet.samples";

  private static KafkaBroker broker;

  @TempDir
  Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = new KafkaBroker();
    broker.createTopic(SAMPLES, 4);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  /** What one app instance saw: its pipeline's results and alarms. */
  static final class Seen {
    final String name;
    final List<MachineResult> results = new CopyOnWriteArrayList<>();
    final List<AlarmEvent> alarms = new CopyOnWriteArrayList<>();

    Seen(String name) {
      this.name = name;
    }

    Set<String> good() {
      return results.stream().filter(MachineResult::isGood).map(MachineResult::machine)
          .collect(Collectors.toCollection(TreeSet::new));
    }

    List<MachineResult> of(String machine) {
      return results.stream().filter(r -> r.machine().equals(machine)).toList();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** The pipeline block, word for word the same at the edge and centrally; only the device named "plc" differs. */
  private String pipeline(LinePlant plant) {
    List<String> machines = new ArrayList<>();
    for (int m = 1; m <= MACHINES; m++) {
      machines.add(String.format(Locale.ROOT,
          "{\"name\": \"m%d\", \"device\": \"plc\", \"tags\": [\"m%d.speed\", \"m%d.current\", \"m%d.temperature\"]}",
          m, m, m, m));
    }
    return "{\"name\": \"line\", \"poll\": \"100ms\", \"sinks\": [\"enterprise\"],\n"
        + " \"window\": {\"rows\": " + ROWS + ", \"hop\": 1, \"mean\": " + Arrays.toString(plant.mean())
        + ", \"std\": " + Arrays.toString(plant.std()) + "},\n"
        + " \"model\": {\"name\": \"line-pca\", \"input\": \"input\", \"output\": \"score\"},\n"
        + " \"machines\": [" + String.join(",\n", machines) + "],\n"
        + " \"actions\": [{\"type\": \"alarm\", \"name\": \"anomaly\", \"raiseAbove\": 1.0, \"clearBelow\": 0.5}]}";
  }

  private static String tags(boolean kafka) {
    List<String> tags = new ArrayList<>();
    for (int m = 1; m <= MACHINES; m++) {
      for (int f = 0; f < LinePlant.FEATURES.length; f++) {
        String name = "m" + m + "." + LinePlant.FEATURES[f];
        // At the edge a holding register; centrally the key the edge published under, then the tag's name.
        String address = kafka ? PLANT + "/" + LINE + "/m" + m + "/" + name : "holding:" + (20 * m + 2 * f) + ":float32";
        tags.add("{\"name\": \"" + name + "\", \"address\": \"" + address + "\", \"type\": \"float32\"}");
      }
    }
    return String.join(",", tags);
  }

  private String edgeConfig(LinePlant plant) {
    List<String> samples = new ArrayList<>();
    for (int m = 1; m <= MACHINES; m++) {
      // One key per machine, so that the central group can spread machines over its instances.
      samples.add(String.format(Locale.ROOT, "{\"device\": \"plc\", \"tags\": [\"m%d.speed\", \"m%d.current\","
          + " \"m%d.temperature\"], \"every\": \"100ms\", \"publishAs\": \"m%d\"}", m, m, m, m));
    }
    return "{\"devices\": [{\"name\": \"plc\", \"uri\": \"" + plant.plc.uri() + "\", \"options\": {\"requestTimeout\":"
        + " \"1s\"}, \"tags\": [" + tags(false) + "]}],\n"
        + " \"models\": [{\"name\": \"line-pca\", \"type\": \"onnx\", \"path\": \"line-pca.onnx\"}],\n"
        + " \"sinks\": [{\"name\": \"enterprise\", \"type\": \"kafka\", \"bootstrapServers\": \""
        + broker.bootstrapServers() + "\", \"plant\": \"" + PLANT + "\", \"line\": \"" + LINE + "\",\n"
        + "   \"bufferDirectory\": \"edge-buffer\", \"topics\": {\"samples\": \"" + SAMPLES + "\", \"results\":"
        + " \"edge.results\", \"alarms\": \"edge.alarms\"},\n"
        + "   \"samples\": [" + String.join(",\n", samples) + "]}],\n"
        + " \"pipelines\": [" + pipeline(plant) + "]}";
  }

  private String centralConfig(LinePlant plant, String instance) {
    return "{\"devices\": [{\"name\": \"plc\", \"uri\": \"kafka://" + broker.bootstrapServers() + "?topic=" + SAMPLES
        + "&group=central\", \"tags\": [" + tags(true) + "]}],\n"
        + " \"models\": [{\"name\": \"line-pca\", \"type\": \"onnx\", \"path\": \"line-pca.onnx\"}],\n"
        + " \"sinks\": [{\"name\": \"enterprise\", \"type\": \"kafka\", \"bootstrapServers\": \""
        + broker.bootstrapServers() + "\", \"plant\": \"" + PLANT + "\", \"line\": \"" + LINE + "\",\n"
        + "   \"bufferDirectory\": \"" + instance + "-buffer\", \"topics\": {\"samples\": \"central.samples\","
        + " \"results\": \"central.results\", \"alarms\": \"central.alarms\"}}],\n"
        + " \"pipelines\": [" + pipeline(plant) + "]}";
  }

  private AifactoryApp start(String json, Seen seen) {
    return AifactoryApp.newBuilder().config(ConfigNode.parse(json, seen.name), dir)
        .action("line", seen.results::add).alarmListener(seen.alarms::add).start();
  }

  private static boolean isGap(MachineResult r) {
    return r.quality().isBad() && r.quality().detail().contains("gap: partition");
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 60 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  @Test
  void shouldRunTheEdgePipelineCentrallyOnAGroupThatSplitsMachinesAndMovesThemWithTheGapMarked() throws Exception {
    try (LinePlant plant = new LinePlant(MACHINES)) {
      OnnxModels.pcaWindowError(ROWS, plant.pca.components()).writeTo(dir.resolve("line-pca.onnx"));
      Seen edge = new Seen("edge");
      Seen a = new Seen("central-a");
      Seen b = new Seen("central-b");
      AifactoryApp central1 = null;
      AifactoryApp central2 = null;
      try (AifactoryApp edgeApp = start(edgeConfig(plant), edge)) {
        central1 = start(centralConfig(plant, a.name), a);
        central2 = start(centralConfig(plant, b.name), b);
        await("the edge scores every machine", () -> edge.good().size() == MACHINES);

        // The group settles: over a quiet second, the instances score disjoint, non-empty sets covering every machine.
        await("the group splits the machines", () -> {
          a.results.clear();
          b.results.clear();
          try {
            Thread.sleep(1000);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          Set<String> both = new TreeSet<>(a.good());
          both.retainAll(b.good());
          Set<String> all = new TreeSet<>(a.good());
          all.addAll(b.good());
          return !a.good().isEmpty() && !b.good().isEmpty() && both.isEmpty() && all.size() == MACHINES;
        });
        for (Seen s : List.of(a, b)) {
          for (MachineResult r : s.results) {
            assertTrue(!r.isGood() || r.value() < 0.5, "healthy machines score low centrally too: " + s + " " + r);
          }
        }
        assertTrue(edge.alarms.isEmpty() && a.alarms.isEmpty() && b.alarms.isEmpty(), "no alarm while healthy");

        // The instance that owns m2 dies (leaves the group): the survivor takes its machines.
        Seen gone = a.good().contains("m2") ? a : b;
        Seen survivor = gone == a ? b : a;
        Set<String> moved = gone.good();
        Set<String> kept = survivor.good();
        survivor.results.clear();
        if (gone == a) {
          central1.close();
        } else {
          central2.close();
        }
        await("the survivor scores every machine", () -> survivor.good().size() == MACHINES);
        for (String m : moved) {
          // The gap is marked: a machine that moved starts with one BAD result that says so, never a number made of
          // rows from both sides of the gap.
          List<MachineResult> rs = survivor.of(m);
          MachineResult first = rs.get(0);
          assertTrue(first.quality().isBad() && Double.isNaN(first.value()), m + " moved: the gap is marked " + rs);
          assertEquals(Quality.Reason.DISCONNECTED, first.quality().reason(), first.toString());
          assertTrue(first.quality().detail().contains("gap: partition " + SAMPLES + "-"), first.toString());
          assertEquals(1, rs.stream().filter(KafkaFleetTest::isGap).count(), m + ": one gap " + rs);
        }
        for (String m : kept) {
          // A machine that stayed has no gap (a poll the edge missed under load may still show, as at the edge).
          assertTrue(survivor.of(m).stream().noneMatch(KafkaFleetTest::isGap), m + " stayed: " + survivor.of(m));
        }

        // A failing bearing on m2, at the PLC: the edge and the central survivor both raise the alarm for m2 only.
        plant.fault(2);
        await("the survivor detects the fault on m2", () -> survivor.alarms.stream()
            .anyMatch(e -> e.machine().equals("m2") && e.kind() == AlarmEvent.Kind.RAISED));
        await("the edge detects it too", () -> edge.alarms.stream()
            .anyMatch(e -> e.machine().equals("m2") && e.kind() == AlarmEvent.Kind.RAISED));
        assertEquals(Set.of("m2"), survivor.alarms.stream().map(AlarmEvent::machine).collect(Collectors.toSet()));
        assertEquals(Set.of("m2"), edge.alarms.stream().map(AlarmEvent::machine).collect(Collectors.toSet()));
        assertTrue(gone.alarms.isEmpty(), "the closed instance raised nothing: " + gone.alarms);
      } finally {
        if (central1 != null) {
          central1.close();
        }
        if (central2 != null) {
          central2.close();
        }
      }

      // The pipelines' "sinks" routed their alarms and results to Kafka, keyed by machine: both raised m2's alarm.
      for (String topic : List.of("edge.alarms", "central.alarms")) {
        List<ConsumerRecord<String, String>> alarms = broker.read(topic, Duration.ofSeconds(30),
            rs -> rs.stream().anyMatch(r -> r.value().contains("RAISED")));
        assertFalse(alarms.isEmpty(), topic);
        assertEquals(Set.of(PLANT + "/" + LINE + "/m2"), alarms.stream().map(ConsumerRecord::key)
            .collect(Collectors.toSet()), topic);
      }
      List<ConsumerRecord<String, String>> results = broker.read("central.results", Duration.ofSeconds(30),
          rs -> rs.stream().map(ConsumerRecord::key).distinct().count() == MACHINES);
      assertEquals(MACHINES, results.stream().map(ConsumerRecord::key).distinct().count(), "central results keyed");
    }
  }
}
