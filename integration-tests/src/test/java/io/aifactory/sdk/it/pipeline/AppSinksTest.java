package io.aifactory.sdk.it.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.app.AifactoryApp;
import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.PipelineAction;
import io.aifactory.sdk.it.pipeline.MemorySinkProvider.MemorySink;
import io.aifactory.sdk.testkit.onnx.OnnxModels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code sinks} block of a JSON app: found by type, fed by the pipelines that name them, closed last but devices. */
class AppSinksTest {
  private static final int ROWS = 5;

  @TempDir
  Path dir;
  private LinePlant plant;

  @BeforeEach
  void startPlant() throws Exception {
    plant = new LinePlant(3);
    OnnxModels.pcaWindowError(ROWS, plant.pca.components()).writeTo(dir.resolve("line-pca.onnx"));
    MemorySinkProvider.EVENTS.clear();
  }

  @AfterEach
  void closePlant() {
    plant.close();
  }

  private String config(String sinks, String pipelineSinks) {
    StringBuilder tags = new StringBuilder();
    StringBuilder machines = new StringBuilder();
    for (int m = 1; m <= 3; m++) {
      for (int f = 0; f < LinePlant.FEATURES.length; f++) {
        tags.append(String.format(Locale.ROOT, "{\"name\": \"m%d.%s\", \"address\": \"holding:%d:float32\","
            + " \"type\": \"float32\"},", m, LinePlant.FEATURES[f], 20 * m + 2 * f));
      }
      machines.append(String.format(Locale.ROOT, "%s{\"name\": \"m%d\", \"device\": \"plc\", \"tags\": [\"m%d.speed\","
          + " \"m%d.current\", \"m%d.temperature\"]}", m > 1 ? "," : "", m, m, m, m));
    }
    tags.append("{\"name\": \"m2.setpoint\", \"address\": \"holding:1002:uint16\", \"type\": \"uint16\"}");
    return "{\"devices\": [{\"name\": \"plc\", \"uri\": \"" + plant.plc.uri() + "\", \"tags\": [" + tags + "]}],\n"
        + " \"models\": [{\"name\": \"line-pca\", \"type\": \"onnx\", \"path\": \"line-pca.onnx\"}],\n"
        + " \"guards\": [{\"name\": \"m2-setpoint\", \"device\": \"plc\", \"tag\": \"m2.setpoint\", \"mode\": \"shadow\","
        + " \"min\": 50, \"max\": 100}],\n"
        + " \"sinks\": " + sinks + ",\n"
        + " \"pipelines\": [{\"name\": \"line\", \"poll\": \"50ms\", \"sinks\": " + pipelineSinks + ",\n"
        + "   \"window\": {\"rows\": " + ROWS + ", \"mean\": " + Arrays.toString(plant.mean()) + ", \"std\": "
        + Arrays.toString(plant.std()) + "},\n"
        + "   \"model\": {\"name\": \"line-pca\"}, \"machines\": [" + machines + "],\n"
        + "   \"actions\": [{\"type\": \"alarm\", \"name\": \"anomaly\", \"raiseAbove\": 1.0, \"clearBelow\": 0.5},\n"
        + "     {\"type\": \"write\", \"guard\": \"m2-setpoint\", \"machine\": \"m2\","
        + " \"threshold\": {\"above\": 1.0, \"propose\": 60, \"otherwise\": 80}}]}]}";
  }

  private AifactoryApp start(String json) {
    // The test's own action: its close tells when the pipeline closed, relative to the sinks.
    PipelineAction marker = new PipelineAction() {
      @Override
      public void onResult(io.aifactory.sdk.core.pipeline.MachineResult result) {}

      @Override
      public void close() {
        MemorySinkProvider.EVENTS.add("pipeline closed");
      }
    };
    return AifactoryApp.newBuilder().config(ConfigNode.parse(json, "app.json"), dir).action("line", marker).start();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void shouldRouteResultsAlarmsDecisionsAndSamplesToTheSinksAPipelineNames() throws Exception {
    String sinks = "[{\"name\": \"audit\", \"type\": \"memory\", \"samples\": [{\"device\": \"plc\","
        + " \"tags\": [\"m1.speed\", \"m1.current\"], \"every\": \"100ms\", \"publishAs\": \"m1\"}]},"
        + " {\"name\": \"unused\", \"type\": \"memory\"}]";
    MemorySink audit;
    MemorySink unused;
    try (AifactoryApp app = start(config(sinks, "[\"audit\"]"))) {
      audit = (MemorySink) app.sink("audit").orElseThrow();
      unused = (MemorySink) app.sink("unused").orElseThrow();
      assertEquals(List.of("audit", "unused"), List.copyOf(app.sinks().keySet()));
      await("results of every machine", () -> audit.results.stream().map(r -> r.machine()).distinct().count() == 3);
      await("the guard's decisions", () -> !audit.decisions.isEmpty());
      await("samples under publishAs", () -> audit.sampleSources.contains("m1:m1.speed"));
      plant.fault(2);
      await("the alarm", () -> audit.alarms.stream().anyMatch(a -> a.kind() == AlarmEvent.Kind.RAISED));
      assertEquals(Set.of("m2"), audit.alarms.stream().map(AlarmEvent::machine).collect(Collectors.toSet()));
      assertTrue(audit.decisions.stream().allMatch(d -> d.guard().equals("m2-setpoint")), audit.decisions.toString());
      assertTrue(unused.results.isEmpty() && unused.alarms.isEmpty() && unused.decisions.isEmpty(),
          "a sink no pipeline names gets nothing");
    }
    // Pipelines close before sinks, so that the last results reach them; nothing arrives at a closed sink.
    assertEquals(List.of("pipeline closed", "sink unused closed", "sink audit closed"), MemorySinkProvider.EVENTS);
    assertEquals(0, audit.late.get(), "records after close");
  }

  @Test
  void shouldNameTheMistakeInTheSinksBlock() {
    String ok = "[{\"name\": \"audit\", \"type\": \"memory\"}]";
    ConfigurationException noSink = assertThrows(ConfigurationException.class,
        () -> start(config(ok, "[\"audit\", \"nope\"]")));
    assertEquals("pipelines[0].sinks[1]: no sink 'nope' (sinks: [audit])", noSink.getMessage());
    ConfigurationException noType = assertThrows(ConfigurationException.class,
        () -> start(config("[{\"name\": \"x\", \"type\": \"mqtt\"}]", "[]")));
    assertTrue(noType.getMessage().startsWith("sinks[0].type: no sink provider for type 'mqtt' (installed types:"
        + " [kafka, memory]"), noType.getMessage());
    ConfigurationException unknown = assertThrows(ConfigurationException.class, () -> start(config(
        "[{\"name\": \"audit\", \"type\": \"memory\", \"samples\": [{\"device\": \"plc\", \"tags\": [\"m1.speed\"],"
            + " \"rate\": \"1s\"}]}]", "[]")));
    assertTrue(unknown.getMessage().startsWith("sinks[0].samples[0].rate: unknown field"), unknown.getMessage());
    ConfigurationException kafka = assertThrows(ConfigurationException.class, () -> start(config(
        "[{\"name\": \"k\", \"type\": \"kafka\", \"plant\": \"p\", \"line\": \"l\", \"bufferDirectory\": \"b\"}]",
        "[]")));
    assertEquals("sinks[0].bootstrapServers: missing (required)", kafka.getMessage());
  }
}
