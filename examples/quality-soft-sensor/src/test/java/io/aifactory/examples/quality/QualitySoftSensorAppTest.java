package io.aifactory.examples.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.examples.quality.DriftCheck.LabStats;
import io.aifactory.examples.quality.DriftCheck.Pairing;
import io.aifactory.examples.quality.QualitySoftSensorApp.Alarm;
import io.aifactory.examples.quality.QualitySoftSensorApp.Scored;
import io.aifactory.examples.quality.QualitySoftSensorApp.Summary;
import io.aifactory.sdk.testkit.SimulatedServer;
import io.aifactory.sdk.testkit.scenario.Scenario;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example against the simulated extrusion line and lab, end to end over real sockets (OPC UA line, Modbus HMI,
 * OPC UA results server). Every assertion is about the plant's clock or counts, never about how long anything took.
 */
class QualitySoftSensorAppTest {
  private static final String PIPE = "PE100-pipe";
  private static final String FILM = "LLDPE-film";

  @Test
  void shouldPredictEachProductWithItsOwnModelSwapWithoutAGapAndRaiseDriftWhenTheLabDisagrees(@TempDir Path data)
      throws Exception {
    Settings settings = Settings.fromArgs("--results-port", "0", "--status-every", "0", "--data", data.toString());
    QualitySoftSensorDemo line = new QualitySoftSensorDemo(settings);
    Summary summary;
    List<Scored> scored;
    List<SimulatedLab.Sample> samples;
    Duration change;
    Duration driftAt;
    String status;
    long labResultsAtClose;
    int alarmEventsAtClose;
    QualitySoftSensorApp example = QualitySoftSensorApp.start(settings, line);
    try {
      Scenario scenario = line.runner().scenario();
      change = scenario.event("line.productChange").at();
      driftAt = scenario.event("line.meltSensorDrift").at();
      // Until the lab has shown the film model wrong, or 8 plant hours (the alarm is due about 6.5 h in).
      await(() -> !example.summary().raised("model-drift." + FILM).isEmpty()
          || line.elapsed().compareTo(Duration.ofHours(8)) > 0, "the film model's drift alarm");
      status = example.statusLine();
      summary = example.summary();
      scored = example.scored();
      samples = line.lab().samples();

      // The HMI shows the last prediction and the product whose model made it; the MES sees the same and the alarm.
      SimulatedServer hmi = line.runner().server("hmi");
      assertEquals(2, ((Number) hmi.get("line1.predictionRecipe")).intValue());
      assertEquals(1.0, ((Number) hmi.get("line1.predictedMeltFlowIndex")).doubleValue(), 0.3, "film grade, on the HMI");
      assertEquals(FILM, example.results().get("quality.line1.ProductVariant"));
      assertTrue(example.results().get("quality.line1.ModelName").toString().endsWith("/" + FILM));
      assertEquals(1.0, ((Number) example.results().get("quality.line1.PredictedValue")).doubleValue(), 0.3);
      assertEquals(true, example.results().get("quality.line1.AlarmState"), "the running product's model drifted");
      assertEquals(true, example.results().get("quality.line1." + FILM + ".ModelDrift"));
      assertEquals(false, example.results().get("quality.line1." + PIPE + ".ModelDrift"));
    } finally {
      example.close();
    }
    // The lab goes on reporting until close: count its results when no more can arrive.
    labResultsAtClose = example.summary().labResults();
    alarmEventsAtClose = example.summary().alarms().size();
    System.out.println(status);
    System.out.println(summary);
    assertTrue(status.contains("samples ") && status.contains("inferences ") && status.contains("p99 ")
        && status.contains("alarms 1") && status.contains("HMI writes "), status);

    // 1. No window lost, none scored by another product's model, across the product change.
    assertTrue(summary.windows() > 50, "windows: " + summary.windows());
    assertEquals(0, summary.lostWindows());
    assertEquals(0, summary.skippedWindows());
    assertEquals(0, summary.modelErrors());
    assertEquals(0, summary.wrongModel());
    for (int i = 1; i < scored.size(); i++) {
      assertEquals(scored.get(i - 1).sequence() + 1, scored.get(i).sequence(), "windows are consecutive");
    }
    // The only window allowed not to be scored is one at start-up, filled before every monitored item's first value
    // had arrived (BAD, never a made-up number); from the first scored window on, every window is scored.
    int firstScored = 0;
    while (firstScored < scored.size() && Double.isNaN(scored.get(firstScored).prediction())) firstScored++;
    assertTrue(firstScored <= 1 && summary.badResults() == firstScored, "BAD results: " + summary.badResults());
    for (Scored s : scored.subList(firstScored, scored.size())) {
      assertFalse(Double.isNaN(s.prediction()), "window " + s.sequence() + " not scored");
      assertEquals(s.newestRecipe(), s.modelRecipe(), "window " + s.sequence() + " scored by the model it holds");
    }
    assertEquals(1, summary.changes().size(), "one product change: " + summary.changes());
    assertEquals(1, summary.changes().get(0).fromRecipe());
    assertEquals(2, summary.changes().get(0).toRecipe());
    long first = summary.changes().get(0).sequence();
    List<Scored> around = scored.stream().filter(s -> Math.abs(s.sequence() - first) <= 10).toList();
    assertEquals(21, around.size(), "the 10 windows either side of the change were all scored");
    assertTrue(around.stream().allMatch(s -> s.modelRecipe() == (s.sequence() < first ? 1 : 2)), around.toString());
    // Windows that span the change (old rows, then new) are the window length minus one, scored by the new model.
    assertEquals(SoftSensorTrainer.ROWS - 1, summary.changeoverWindows());

    // 2. Predictions within a bound of the simulated truth, for every lab sample of one product before the drift.
    Map<String, SimulatedLab.Sample> byId = new HashMap<>();
    samples.forEach(s -> byId.put(s.id(), s));
    Map<String, double[]> worst = new HashMap<>();
    for (LabStats stats : summary.lab().values()) {
      for (Pairing p : stats.pairings()) {
        SimulatedLab.Sample s = byId.get(p.lab().sampleId());
        if (!p.paired() || s.plantTime().compareTo(driftAt) >= 0) continue;
        double error = Math.abs(p.predicted() - s.truth());
        double[] w = worst.computeIfAbsent(stats.variant(), v -> new double[2]);
        w[0] = Math.max(w[0], error);
        w[1]++;
      }
    }
    System.out.printf(Locale.ROOT, "before the drift: max |prediction - truth| %s %.4f over %.0f samples, %s %.4f over "
        + "%.0f samples%n", PIPE, worst.get(PIPE)[0], worst.get(PIPE)[1], FILM, worst.get(FILM)[0], worst.get(FILM)[1]);
    assertTrue(worst.get(PIPE)[1] >= 5 && worst.get(FILM)[1] >= 3, "lab samples compared: " + worst.keySet());
    assertTrue(worst.get(PIPE)[0] < 0.03, "pipe grade off by " + worst.get(PIPE)[0]);
    assertTrue(worst.get(FILM)[0] < 0.05, "film grade off by " + worst.get(FILM)[0]);

    // 3. The drifting sensor raises the film model's drift alarm, and nothing else alarms: not the pipe model, and
    //    nothing before the lab could have seen the drift.
    List<Alarm> film = summary.raised("model-drift." + FILM);
    assertEquals(1, film.size(), summary.alarms().toString());
    assertTrue(film.get(0).at().compareTo(driftAt.plus(settings.labDelay)) > 0, "raised at " + film.get(0).at());
    assertEquals(1, summary.alarms().size(), "no other alarm: " + summary.alarms());
    assertFalse(summary.lab().get(1).inDrift());
    assertTrue(change.compareTo(driftAt) < 0);

    // 4. The recorder's files are the next training set: every lab result is a label, beside the samples and results.
    Map<String, Integer> records = countRecords(data.resolve("quality-recordings"));
    assertTrue(labResultsAtClose >= summary.labResults());
    assertEquals((int) labResultsAtClose, records.getOrDefault("label:" + DriftCheck.LABEL, 0), records.toString());
    assertTrue(records.getOrDefault("result", 0) > 0 && records.getOrDefault("sample", 0) > 0, records.toString());
    assertEquals(alarmEventsAtClose, records.getOrDefault("alarm", 0), records.toString());
  }

  /** The production app has no simulated plant: a config that asks for one fails at start and says what to do. */
  @Test
  void shouldRefuseTheSimulatorUriWithoutTheDemo(@TempDir Path data) {
    Settings settings = Settings.fromArgs("--results-port", "0", "--data", data.toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> QualitySoftSensorApp.start(settings, null).close());
    assertTrue(e.getMessage().contains("device 'line'") && e.getMessage().contains("quality-soft-sensor-demo.jar"),
        e.getMessage());
  }

  private static Map<String, Integer> countRecords(Path dir) throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".jsonl.gz")).toList()) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(f)),
            StandardCharsets.UTF_8))) {
          for (String l; (l = r.readLine()) != null; ) {
            String type = field(l, "type");
            if (type.equals("label")) type = "label:" + field(l, "name");
            counts.merge(type, 1, Integer::sum);
          }
        }
      }
    }
    return counts;
  }

  private static String field(String json, String name) {
    String key = "\"" + name + "\":\"";
    int i = json.indexOf(key);
    return i < 0 ? "" : json.substring(i + key.length(), json.indexOf('"', i + key.length()));
  }

  /** Waits for a condition on the plant's clock; the wall-clock limit only ends a broken run. */
  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(50);
    }
  }
}
