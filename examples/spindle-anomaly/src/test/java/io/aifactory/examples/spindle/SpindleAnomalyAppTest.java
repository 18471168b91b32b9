package io.aifactory.examples.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.examples.spindle.SpindleAnomalyApp.Alarm;
import io.aifactory.examples.spindle.SpindleAnomalyApp.Summary;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.ReconnectPolicy;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.opcua.OpcUaProperties;
import io.aifactory.sdk.opcua.server.OpcUaResultServer;
import io.aifactory.sdk.testkit.SimulatedServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the app against the built-in simulator, 20 times faster than real time, and checks what it concluded. */
class SpindleAnomalyAppTest {

  @Test
  void shouldAlarmOnSpindle2AfterItsBearingFaultOnlyAndPublishTheScore(@TempDir Path data, @TempDir Path clientPki)
      throws Exception {
    // 9 s at 20x after the stall: the run ends near 215 s of simulation time, the bearing fault starts at 120 s.
    Settings settings = Settings.fromArgs("--duration", "9s", "--speed", "20", "--results-port", "0", "--live-writes", "--ui",
        "--data", data.toString());
    Summary summary;
    SpindleAnomalyDemo line = new SpindleAnomalyDemo(settings);
    try (SpindleAnomalyApp example = SpindleAnomalyApp.start(settings, line)) {
      Duration faultAt = line.runner().scenario().event("spindle2.bearingFault").at();

      // The PLC stops answering for a while, long before the fault: the polls come back BAD. Had a BAD sample
      // become 0 in the model input (0 rpm, 0 A, 0 °C), every spindle would score in the thousands and alarm.
      SimulatedServer plc = line.runner().server("line-plc");
      plc.stall(true);
      try {
        await(() -> example.pipeline().metrics().total().staleResults() >= 3, Duration.ofSeconds(15),
            "a BAD result per spindle while the PLC is stalled");
      } finally {
        plc.stall(false);
      }

      example.app().awaitStop(settings.duration);
      summary = example.summary();
      String status = example.statusLine(example.pipeline().metrics());
      assertTrue(status.matches("status at .* s: \\d+ samples, [1-9]\\d* inferences in [1-9]\\d* model calls, latency p50 .*"
          + " ms p99 .* ms, \\d+ stale windows, [1-9]\\d* alarms raised, [1-9]\\d* feed-override writes"), status);
      System.out.println(summary);

      List<Alarm> spindle2 = summary.raised("spindle2");
      assertFalse(spindle2.isEmpty(), "spindle 2 never alarmed: " + summary);
      assertTrue(spindle2.get(0).at().compareTo(faultAt) >= 0,
          "spindle 2 alarmed at " + spindle2.get(0).at() + ", before its fault at " + faultAt);
      assertTrue(summary.raised("spindle1").isEmpty(), "healthy spindle 1 alarmed: " + summary);
      assertTrue(summary.raised("spindle3").isEmpty(), "spindle 3 alarmed (its chip is one short spike): " + summary);
      for (String s : List.of("spindle1", "spindle2", "spindle3")) {
        assertTrue(summary.spindle(s).inferences() > 20, s + " was hardly scored: " + summary);
      }
      // One batched model call per tick: the three spindles are always scored together. The pipeline still runs, and
      // a tick counts its model call before the call and the spindles' inferences after it: one tick may be between.
      var metrics = example.pipeline().metrics();
      long pending = 3 * metrics.modelCalls() - metrics.total().inferences();
      assertTrue(pending >= 0 && pending <= 3, metrics.modelCalls() + " model calls, " + metrics.total().inferences()
          + " inferences");

      // The write guard lowered spindle 2's feed override in steps, within its limits, and left the others alone.
      int feed2 = summary.spindle("spindle2").feedOverrideAtEnd();
      assertTrue(feed2 >= 70 && feed2 < 100, "spindle 2 feed override: " + feed2);
      assertEquals(100, summary.spindle("spindle1").feedOverrideAtEnd());
      assertEquals(100, summary.spindle("spindle3").feedOverrideAtEnd());

      readResultsOverOpcUa(example, clientPki);
      readDiagnosticsPage(example);
    }
    // The recorder kept the guard's decisions (the training data of the next model) once the app closed.
    assertTrue(recorded(data.resolve("spindle-recordings"), "\"type\":\"decision\"", "\"tag\":\"spindle2.feedOverride\""),
        "no feed-override decision of spindle 2 recorded");
  }

  /** The production app has no simulated plant: a config that asks for one fails at start and says what to do. */
  @Test
  void shouldRefuseTheSimulatorUriWithoutTheDemo(@TempDir Path data) {
    Settings settings = Settings.fromArgs("--results-port", "0", "--data", data.toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SpindleAnomalyApp.start(settings, null).close());
    assertTrue(e.getMessage().contains("device 'line-plc'") && e.getMessage().contains("spindle-anomaly-demo.jar"),
        e.getMessage());
  }

  /** Reads the published results as a SCADA client would, over an encrypted session trusted both ways. */
  private static void readResultsOverOpcUa(SpindleAnomalyApp example, Path clientPki) throws Exception {
    OpcUaResultServer results = example.results();
    Files.createDirectories(clientPki.resolve("trusted/certs"));
    Files.write(clientPki.resolve("trusted/certs/results.der"), results.certificate().getEncoded());
    DeviceOptions options = DeviceOptions.newBuilder()
        .connectTimeout(Duration.ofSeconds(3))
        .requestTimeout(Duration.ofSeconds(2))
        .reconnectPolicy(ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofMillis(500)).jitter(0).build())
        .property(OpcUaProperties.PKI_DIR, clientPki.toString())
        .build();
    String prefix = SpindleAnomalyApp.PIPELINE + ".";
    List<Tag> tags = List.of(
        Tag.of("score2", results.nodeId(prefix + "spindle2." + OpcUaResultServer.ANOMALY_SCORE), DataType.FLOAT64),
        Tag.of("alarm2", results.nodeId(prefix + "spindle2." + OpcUaResultServer.ALARM_STATE), DataType.BOOL),
        Tag.of("model2", results.nodeId(prefix + "spindle2." + OpcUaResultServer.MODEL_NAME), DataType.STRING),
        Tag.of("score1", results.nodeId(prefix + "spindle1." + OpcUaResultServer.ANOMALY_SCORE), DataType.FLOAT64));
    try (Device scada = Devices.open(results.uri(), options)) {
      // The results server refuses an unknown client; its administrator trusts the client's certificate.
      Path clientCert = clientPki.resolve("own/client.der");
      await(() -> Files.exists(clientCert), Duration.ofSeconds(15), "client certificate created");
      Files.copy(clientCert, results.trustedDir().resolve("scada.der"));
      scada.whenConnected(Duration.ofSeconds(60)).get(); // generous: trusting a new client takes a reconnect or two
      SampleBatch batch = scada.read(tags).get(5, TimeUnit.SECONDS);
      // GOOD, or UNCERTAIN when the window held a value over a late poll (a loaded machine): a value either way.
      for (int i = 0; i < batch.size(); i++) assertFalse(batch.quality(i).isBad(), batch.toString());
      assertTrue(batch.doubleValue(0) > 10, "spindle 2 score over OPC UA: " + batch.doubleValue(0));
      assertEquals(Boolean.TRUE, batch.value(1));
      assertEquals("spindle-pca", batch.value(2));
      assertTrue(batch.doubleValue(3) >= 0 && batch.doubleValue(3) < 10, "spindle 1 score: " + batch.doubleValue(3));
    }
  }

  /** With --ui, the page is served on 127.0.0.1 and its stream describes the app's pipeline, guards and model. */
  private static void readDiagnosticsPage(SpindleAnomalyApp example) throws Exception {
    URI page = example.diagnostics().uri();
    assertEquals("127.0.0.1", page.getHost());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> html = http.send(HttpRequest.newBuilder(page).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, html.statusCode());
    HttpResponse<Stream<String>> events = http.send(HttpRequest.newBuilder(page.resolve("events"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> lines = events.body()) {
      String snapshot = lines.filter(l -> l.startsWith("data: ")).findFirst().orElseThrow();
      for (String expected : List.of("\"name\":\"spindles\"", "\"spindle2\"", "\"name\":\"spindle2.feed\"",
          "\"name\":\"spindle-pca\"", "\"raiseAbove\":10.0")) {
        assertTrue(snapshot.contains(expected), expected + " in " + snapshot);
      }
    }
  }

  private static boolean recorded(Path dir, String... fragments) throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".jsonl.gz")).toList();
    }
    for (Path f : files) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(f)),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          String l = line;
          if (Stream.of(fragments).allMatch(l::contains)) return true;
        }
      }
    }
    return false;
  }

  private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what);
      Thread.sleep(50);
    }
  }
}
