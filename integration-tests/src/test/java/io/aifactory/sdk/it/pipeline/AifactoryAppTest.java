package io.aifactory.sdk.it.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.app.AifactoryApp;
import io.aifactory.sdk.core.guard.GuardDecision;
import io.aifactory.sdk.core.guard.GuardMode;
import io.aifactory.sdk.core.guard.GuardListener;
import io.aifactory.sdk.core.guard.WriteGuard;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import io.aifactory.sdk.testkit.onnx.OnnxModels;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An app from one JSON file, end to end: simulated PLC, ONNX model file, alarm, guarded write, recorder. */
class AifactoryAppTest {
  private static final int ROWS = 5;

  @TempDir
  Path dir;
  private LinePlant plant;

  @BeforeEach
  void startPlant() {
    plant = new LinePlant(3);
  }

  @AfterEach
  void closePlant() {
    plant.close();
  }

  private String config(String guardMode) {
    StringBuilder tags = new StringBuilder();
    for (int m = 1; m <= 3; m++) {
      for (int f = 0; f < LinePlant.FEATURES.length; f++) {
        tags.append(String.format(Locale.ROOT,
            "{\"name\": \"m%d.%s\", \"address\": \"holding:%d:float32\", \"type\": \"float32\"},", m,
            LinePlant.FEATURES[f], 20 * m + 2 * f));
      }
      tags.append(String.format(Locale.ROOT,
          "{\"name\": \"m%d.setpoint\", \"address\": \"holding:%d:uint16\", \"type\": \"uint16\"},", m, 1000 + m));
    }
    tags.setLength(tags.length() - 1);
    StringBuilder machines = new StringBuilder();
    for (int m = 1; m <= 3; m++) {
      machines.append(String.format(Locale.ROOT,
          "{\"name\": \"m%d\", \"device\": \"plc\", \"tags\": [\"m%d.speed\", \"m%d.current\", \"m%d.temperature\"]},",
          m, m, m, m));
    }
    machines.setLength(machines.length() - 1);
    return "{\n"
        + "  \"devices\": [{\"name\": \"plc\", \"uri\": \"" + plant.plc.uri() + "\",\n"
        + "     \"options\": {\"requestTimeout\": \"2s\"}, \"tags\": [" + tags + "]}],\n"
        + "  \"models\": [{\"name\": \"line-pca\", \"type\": \"onnx\", \"path\": \"line-pca.onnx\"}],\n"
        + "  \"recorders\": [{\"name\": \"training\", \"directory\": \"recordings\",\n"
        + "     \"samples\": [{\"device\": \"plc\", \"tags\": [\"m2.current\"], \"every\": \"200ms\"}]}],\n"
        // minInterval 10 s: after its first write (70) the guard writes nothing more, so no write of its own can be in
        // flight when the test plays the operator, and the back-off is what it sees.
        + "  \"guards\": [{\"name\": \"m2-setpoint\", \"device\": \"plc\", \"tag\": \"m2.setpoint\", \"mode\": \"" + guardMode
        + "\",\n     \"min\": 50, \"max\": 100, \"maxStep\": 10, \"minInterval\": \"10s\", \"recorder\": \"training\"}],\n"
        + "  \"pipelines\": [{\n"
        + "     \"name\": \"line\", \"poll\": \"50ms\", \"recorder\": \"training\",\n"
        + "     \"window\": {\"rows\": " + ROWS + ", \"hop\": 1, \"mean\": " + Arrays.toString(plant.mean())
        + ", \"std\": " + Arrays.toString(plant.std()) + "},\n"
        + "     \"model\": {\"name\": \"line-pca\", \"input\": \"input\", \"output\": \"score\"},\n"
        + "     \"machines\": [" + machines + "],\n"
        + "     \"actions\": [\n"
        + "       {\"type\": \"alarm\", \"name\": \"anomaly\", \"raiseAbove\": 1.0, \"clearBelow\": 0.5},\n"
        + "       {\"type\": \"write\", \"guard\": \"m2-setpoint\", \"machine\": \"m2\",\n"
        + "        \"threshold\": {\"above\": 1.0, \"propose\": 60, \"otherwise\": 80}}\n"
        + "     ]}]\n"
        + "}\n";
  }

  private Path write(String json) throws IOException {
    OnnxModels.pcaWindowError(ROWS, plant.pca.components()).writeTo(dir.resolve("line-pca.onnx"));
    Path file = dir.resolve("app.json");
    Files.writeString(file, json);
    return file;
  }

  @Test
  void shouldRunAJsonAppEndToEnd() throws Exception {
    Path file = write(config("live"));
    BlockingQueue<AlarmEvent> alarms = new LinkedBlockingQueue<>();
    BlockingQueue<GuardDecision> written = new LinkedBlockingQueue<>();
    BlockingQueue<GuardDecision> backedOff = new LinkedBlockingQueue<>();
    try (AifactoryApp app = AifactoryApp.start(file)) {
      app.addAlarmListener(alarms::add);
      WriteGuard guard = app.guard("m2-setpoint").orElseThrow();
      assertEquals(GuardMode.LIVE, guard.mode());
      guard.addListener(new GuardListener() {
        @Override
        public void onDecision(GuardDecision d) {
          if (d.wrote()) {
            written.add(d);
          }
          if (d.outcome() == GuardDecision.Outcome.BACKED_OFF) {
            backedOff.add(d);
          }
        }
      });
      plant.fault(2);
      AlarmEvent alarm = alarms.poll(20, TimeUnit.SECONDS);
      assertTrue(alarm != null, "no alarm; metrics " + app.pipeline("line").orElseThrow().metrics());
      assertEquals("m2", alarm.machine());
      assertEquals(AlarmEvent.Kind.RAISED, alarm.kind());
      // The guard steps the set point down from 80 towards 60, 10 at a time: 70 first.
      GuardDecision first = written.poll(20, TimeUnit.SECONDS);
      assertTrue(first != null, "no write");
      assertEquals(70, first.written(), 0);
      assertEquals(80, first.before(), 0);
      assertTrue(plant.plc.writes().stream().anyMatch(w -> w.tagName().equals("m2.setpoint") && ((Number) w.value()).intValue() == 70),
          "the PLC recorded a write to m2.setpoint's register: " + plant.plc.writes());
      // An operator sets the value at the HMI: the guard notices at its next proposal and backs off.
      plant.plc.set("m2.setpoint", 95);
      GuardDecision backOff = backedOff.poll(20, TimeUnit.SECONDS);
      assertTrue(backOff != null, "the guard did not notice the operator");
      assertEquals(95, backOff.before(), 0);
    }
    List<JsonNode> records = readRecordings(dir.resolve("recordings"));
    assertTrue(records.stream().anyMatch(r -> r.path("type").asText().equals("result")
        && r.path("machine").asText().equals("m2")), "results recorded");
    assertTrue(records.stream().anyMatch(r -> r.path("type").asText().equals("alarm")
        && r.path("kind").asText().equals("RAISED")), "alarm recorded");
    assertTrue(records.stream().anyMatch(r -> r.path("type").asText().equals("decision")
        && r.path("written").asDouble() == 70), "guard decision recorded");
    assertTrue(records.stream().anyMatch(r -> r.path("type").asText().equals("operator")
        && r.path("tag").asText().equals("m2.setpoint") && r.path("found").asDouble() == 95), "operator action recorded");
    assertTrue(records.stream().anyMatch(r -> r.path("type").asText().equals("sample")
        && r.path("tag").asText().equals("m2.current")), "samples recorded");
  }

  @Test
  void shouldNameTheMistakeInABadConfig() throws Exception {
    String good = config("shadow");
    assertMistake(good.replace("\"hop\": 1", "\"hop\": 1, \"hopp\": 2"), "pipelines[0].window.hopp: unknown field");
    assertMistake(good.replace("\"guard\": \"m2-setpoint\"", "\"guard\": \"m9-setpoint\""),
        "pipelines[0].actions[1].guard: no guard 'm9-setpoint'");
    assertMistake(good.replace("\"m3.temperature\"]", "\"m3.temprature\"]"),
        "device 'plc' has no tag 'm3.temprature'");
    assertMistake(good.replace("\"type\": \"onnx\"", "\"type\": \"tflite\""), "models[0].type: no model provider for type 'tflite'");
    assertMistake(good.replace("\"mode\": \"shadow\"", "\"mode\": \"yolo\""), "guards[0].mode");
  }

  private void assertMistake(String json, String expected) throws IOException {
    Path file = write(json);
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> AifactoryApp.start(file).close());
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
  }

  static List<JsonNode> readRecordings(Path directory) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> records = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(directory)) {
      files = s.filter(p -> p.toString().endsWith(".jsonl.gz")).sorted().collect(Collectors.toList());
    }
    for (Path f : files) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(f)),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          records.add(json.readTree(line));
        }
      }
    }
    return records;
  }
}
