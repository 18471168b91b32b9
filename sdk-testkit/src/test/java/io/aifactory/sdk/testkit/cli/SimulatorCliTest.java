package io.aifactory.sdk.testkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI in-process, against in-memory simulators (kind {@code memory}, from the test class path). */
class SimulatorCliTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterEach
  void stopExecutor() throws InterruptedException {
    executor.shutdownNow();
    assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
  }

  private int run(String... args) {
    return SimulatorCli.run(args, new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(err, true, StandardCharsets.UTF_8),
        CompletableFuture.completedFuture(null));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** Collects printed lines so a test can wait for one. */
  private static final class Lines extends OutputStream {
    final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        lines.add(current.toString(StandardCharsets.UTF_8));
        current.reset();
      } else {
        current.write(b);
      }
    }

    String await(String prefix) throws InterruptedException {
      StringBuilder seen = new StringBuilder();
      while (true) {
        String line = lines.poll(20, TimeUnit.SECONDS);
        if (line == null) throw new AssertionError("no line starting with '" + prefix + "'; saw:\n" + seen);
        seen.append(line).append('\n');
        if (line.startsWith(prefix)) return line;
      }
    }
  }

  @Test
  void shouldPrintEndpointsAndTagsServeUntilStoppedAndThenStopCleanly() throws Exception {
    Lines out = new Lines();
    CompletableFuture<Void> stop = new CompletableFuture<>();
    Future<Integer> code = executor.submit(() -> SimulatorCli.run(new String[] {"--scenario", "test-press", "--port", "press-2=7001", "--seed", "3"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), stop));
    assertEquals("AI Factory simulator: scenario test-press (seed 3, tick 100 ms)", out.await("AI Factory simulator"));
    assertTrue(out.await("press-1 (memory)").matches("press-1 \\(memory\\)  memory://127\\.0\\.0\\.1:\\d+"));
    assertEquals("  force  a        float64", out.await("  force"));
    assertEquals("press-2 (memory)  memory://127.0.0.1:7001", out.await("press-2"));
    out.await("Serving. Press Ctrl-C to stop.");
    stop.complete(null);
    assertEquals(SimulatorCli.OK, code.get(20, TimeUnit.SECONDS));
    out.await("Stopping after");
    out.await("Stopped.");
    assertEquals("", err());
  }

  @Test
  void shouldStopByItselfAfterADuration() throws Exception {
    Lines out = new Lines();
    Future<Integer> code = executor.submit(() -> SimulatorCli.run(new String[] {"--scenario=test-single", "--duration", "2s", "--speed", "10"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), new CompletableFuture<>()));
    assertEquals(SimulatorCli.OK, code.get(20, TimeUnit.SECONDS));
    out.await("Serving for 2 s at 10x speed.");
    out.await("Stopping after");
    out.await("Stopped.");
  }

  @Test
  void shouldPrintHelp() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = SimulatorCli.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err, new CompletableFuture<>());
    assertEquals(SimulatorCli.OK, code);
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("--modbus-port N"));
  }

  @Test
  void shouldExitWithUsageErrorsOnBadArguments() {
    assertEquals(SimulatorCli.USAGE, run("--modbus-port", "http"));
    assertTrue(err().startsWith("error: --modbus-port expects a port from 0 to 65535, found 'http'\nRun with --help"), err());
    err.reset();
    assertEquals(SimulatorCli.USAGE, run("--verbose"));
    assertTrue(err().startsWith("error: unknown option '--verbose'"), err());
    err.reset();
    assertEquals(SimulatorCli.USAGE, run("--scenario", "test-press", "--port", "press-3=1"));
    assertEquals("error: --port press-3=...: scenario test-press has no device 'press-3'\n", err());
    err.reset();
    assertEquals(SimulatorCli.USAGE, run("--speed", "0"));
    assertTrue(err().startsWith("error: --speed expects a number > 0, found '0'"), err());
    err.reset();
    assertEquals(SimulatorCli.USAGE, run("--seed"));
    assertTrue(err().startsWith("error: --seed needs a value"), err());
  }

  @Test
  void shouldNameThePathOfTheMistakeInABadScenarioFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("typo.json");
    Files.writeString(file, "{ \"devices\": [ { \"name\": \"d\", \"kind\": \"memory\", \"tags\": [ "
        + "{ \"name\": \"t\", \"address\": \"a\", \"type\": \"float32\", \"signal\": { \"kind\": \"sinus\" } } ] } ] }");
    assertEquals(SimulatorCli.USAGE, run("--scenario", file.toString()));
    assertEquals("error: bad scenario " + file + ": devices[0].tags[0].signal.kind: unknown signal 'sinus' (expected constant, sine, ramp, "
        + "square, step, randomWalk, noise, csv, sum, product, scale, ref)\n", err());
  }

  @Test
  void shouldApplyBindAndPkiDirToTheBuiltInKindsOnly() {
    io.aifactory.sdk.testkit.scenario.Scenario s = io.aifactory.sdk.testkit.scenario.Scenario.newBuilder().name("s")
        .addDevice(io.aifactory.sdk.testkit.scenario.ScenarioDevice.newBuilder().name("plc").kind("modbus").build())
        .addDevice(io.aifactory.sdk.testkit.scenario.ScenarioDevice.newBuilder().name("cm").kind("opcua").option("bindAddress", "127.0.0.2").build())
        .addDevice(io.aifactory.sdk.testkit.scenario.ScenarioDevice.newBuilder().name("mem").kind("memory").build())
        .addEvent(new io.aifactory.sdk.testkit.scenario.ScenarioEvent("e", "", java.time.Duration.ofSeconds(1), null))
        .seed(9)
        .build();
    SimulatorCli.Options o = SimulatorCli.Options.parse(new String[] {"--bind", "0.0.0.0", "--pki-dir", "/var/pki"});
    io.aifactory.sdk.testkit.scenario.Scenario applied = SimulatorCli.withServerOptions(s, o);
    assertEquals(java.util.Map.of("bindAddress", "0.0.0.0"), applied.device("plc").orElseThrow().options());
    assertEquals(java.util.Map.of("bindAddress", "127.0.0.2", "pkiDir", Path.of("/var/pki", "cm").toString()), applied.device("cm").orElseThrow().options());
    assertEquals(java.util.Map.of(), applied.device("mem").orElseThrow().options());
    assertEquals(s.events(), applied.events(), "everything else is kept");
    assertEquals(9, applied.seed());
  }

  @Test
  void shouldNumberPortsPerKindFromTheBase() {
    io.aifactory.sdk.testkit.scenario.Scenario s = io.aifactory.sdk.testkit.scenario.Scenario.newBuilder().name("s")
        .addDevice(io.aifactory.sdk.testkit.scenario.ScenarioDevice.newBuilder().name("plc-1").kind("modbus").build())
        .addDevice(io.aifactory.sdk.testkit.scenario.ScenarioDevice.newBuilder().name("cm").kind("opcua").build())
        .addDevice(io.aifactory.sdk.testkit.scenario.ScenarioDevice.newBuilder().name("plc-2").kind("modbus").build())
        .addDevice(io.aifactory.sdk.testkit.scenario.ScenarioDevice.newBuilder().name("plc-3").kind("modbus").build())
        .build();
    assertEquals(java.util.Map.of("plc-1", 5020, "cm", 4840, "plc-2", 5021, "plc-3", 6000),
        SimulatorCli.ports(s, SimulatorCli.Options.parse(new String[] {"--port", "plc-3=6000"})));
    assertEquals(java.util.Map.of("plc-1", 0, "cm", 4840, "plc-2", 0, "plc-3", 0),
        SimulatorCli.ports(s, SimulatorCli.Options.parse(new String[] {"--modbus-port", "0"})));
  }
}
