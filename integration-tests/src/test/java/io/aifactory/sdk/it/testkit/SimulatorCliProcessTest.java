package io.aifactory.sdk.it.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.cli.SimulatorCli;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator CLI as a vendor's QA runs it: a separate JVM, read by our driver, stopped like Ctrl-C. */
class SimulatorCliProcessTest {
  private static final Pattern MODBUS_ENDPOINT = Pattern.compile("line-plc \\(modbus\\)  (modbus\\+tcp://127\\.0\\.0\\.1:\\d+\\?unit=1)");
  private static final Pattern OPCUA_ENDPOINT = Pattern.compile("condition-monitor \\(opcua\\)  (opc\\.tcp://\\S+:\\d+)");

  private Process process;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();

  @AfterEach
  void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private void start(Path pki, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), SimulatorCli.class.getName()));
    command.addAll(List.of(args));
    process = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(pki.resolve("empty").toFile())).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) lines.add(line);
      } catch (java.io.IOException e) {
        // the process ended
      }
    }, "simulator-cli-output");
    reader.setDaemon(true);
    reader.start();
  }

  private String await(Pattern pattern) throws InterruptedException {
    while (true) {
      String line = lines.poll(60, TimeUnit.SECONDS);
      if (line == null) throw new AssertionError("no line matching " + pattern + "; output so far:\n" + String.join("\n", seen));
      seen.add(line);
      Matcher m = pattern.matcher(line);
      if (m.matches()) return m.groupCount() > 0 ? m.group(1) : line;
    }
  }

  @Test
  void shouldServeTheSpindleLineUntilInterruptedAndStopCleanly(@TempDir Path dir) throws Exception {
    Files.createFile(dir.resolve("empty"));
    start(dir, "--scenario", "spindle-line", "--modbus-port", "0", "--opcua-port", "0", "--bind", "127.0.0.1",
        "--pki-dir", dir.resolve("pki").toString());
    String plcUri = await(MODBUS_ENDPOINT);
    await(Pattern.compile("  spindle1\\.speed\\s+holding:0:float32\\s+float32\\s+rpm"));
    await(Pattern.compile("  spindle1\\.feedOverride\\s+holding:8:uint16\\s+uint16\\s+%\\s+writable, starts at 100"));
    await(OPCUA_ENDPOINT);
    await(Pattern.compile("  spindle2\\.vibration\\s+ns=2;s=Spindle2\\.Vibration\\s+float32\\[256\\]\\s+g"));
    await(Pattern.compile("  120 s  spindle2\\.bearingFault: outer-race bearing fault.*"));
    await(Pattern.compile("Serving\\. Press Ctrl-C to stop\\."));
    assertTrue(Files.isDirectory(dir.resolve("pki/condition-monitor/own")), "the OPC UA certificate is kept in --pki-dir");

    Tag speed = Tag.of("spindle1.speed", "holding:0:float32", DataType.FLOAT32);
    try (Device plc = Devices.open(plcUri, DeviceOptions.newBuilder().requestTimeout(Duration.ofSeconds(2)).build())) {
      plc.whenConnected().get(20, TimeUnit.SECONDS);
      SampleBatch batch = plc.read(List.of(speed)).get(10, TimeUnit.SECONDS);
      assertTrue(batch.allGood(), batch.toString());
      assertEquals(6000, batch.doubleValue(0), 30);
    }

    // SIGTERM, as Ctrl-C: the shutdown hook closes the simulators. Through the handle, because Process.destroy()
    // also closes our end of its output, and we want to read what it prints while stopping.
    assertTrue(process.toHandle().destroy());
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the simulator stops");
    await(Pattern.compile("Stopping after .* of simulation\\."));
    await(Pattern.compile("Stopped\\."));
    assertEquals(143, process.exitValue(), "terminated by SIGTERM after a clean shutdown");
  }

  @Test
  void shouldExitWithTwoAndThePathOfTheMistakeForABadScenarioFile(@TempDir Path dir) throws Exception {
    Files.createFile(dir.resolve("empty"));
    Path file = dir.resolve("typo.json");
    Files.writeString(file, "{ \"devices\": [ { \"name\": \"plc\", \"kind\": \"modbus\", \"tags\": [\n"
        + "  { \"name\": \"t\", \"address\": \"holdin:0:float32\", \"type\": \"float32\" } ] } ] }");
    start(dir, "--scenario", file.toString());
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, process.exitValue());
    await(Pattern.compile("error: bad scenario .*typo\\.json: devices\\[0\\]\\.tags\\[0\\]\\.address: tag 't': unknown table 'holdin' \\(expected coil, discrete, input, holding\\)"));
  }

  @Test
  void shouldExitWithOneAndSayWhichPortIsTakenWhenItCannotListen(@TempDir Path dir) throws Exception {
    Files.createFile(dir.resolve("empty"));
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      start(dir, "--scenario", "spindle-line", "--modbus-port", String.valueOf(taken.getLocalPort()), "--opcua-port", "0");
      assertTrue(process.waitFor(60, TimeUnit.SECONDS));
      assertEquals(1, process.exitValue());
      await(Pattern.compile("error: cannot start the simulators of spindle-line: device 'line-plc': cannot start the Modbus simulator on port "
          + taken.getLocalPort() + ": .*"));
    }
  }
}
