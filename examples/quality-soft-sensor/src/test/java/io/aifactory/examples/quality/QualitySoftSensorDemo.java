package io.aifactory.examples.quality;

import io.aifactory.sdk.testkit.scenario.ScenarioRunner;
import io.aifactory.sdk.testkit.scenario.Scenarios;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo: the app against the SDK's simulated extrusion line (its OPC UA server and its Modbus HMI) and a simulated
 * lab, in one JVM. It lives in the test sources because the simulated plant (the testkit) is development tooling: the
 * production jar, {@code quality-soft-sensor.jar}, never contains it. {@code quality-soft-sensor-demo.jar} starts
 * this class; it takes the app's options.
 */
final class QualitySoftSensorDemo implements QualitySoftSensorApp.PlantSimulator {
  private static final Logger LOG = LoggerFactory.getLogger(QualitySoftSensorDemo.class);
  /** Lab noise is part of the scenario's story: the same seed, the same lab values. */
  private static final long LAB_SEED = 7;

  private final Settings settings;
  private ScenarioRunner runner;
  private SimulatedLab lab;
  private Path clientPki;

  QualitySoftSensorDemo(Settings settings) {
    this.settings = settings;
  }

  public static void main(String[] args) throws Exception {
    Settings settings;
    try {
      settings = Settings.fromArgs(args);
    } catch (IllegalArgumentException e) {
      System.err.println("quality-soft-sensor-demo: " + e.getMessage());
      System.exit(2);
      return;
    }
    QualitySoftSensorApp.run(settings, new QualitySoftSensorDemo(settings));
  }

  @Override
  public URI serve(String deviceName) {
    if (runner == null) {
      // Both devices in one runner: one clock, so the HMI and the line never disagree about the time.
      runner = ScenarioRunner.start(Scenarios.load(settings.scenario));
    }
    URI uri = runner.uri(deviceName);
    if (!"opc.tcp".equals(uri.getScheme())) return uri;
    // The simulated server makes a new certificate each run: trust it on first use, in a client PKI for this run only
    // (a pin kept from an earlier run on the same port would refuse the new certificate).
    try {
      if (clientPki == null) clientPki = Files.createTempDirectory("quality-demo-opcua-pki");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return URI.create(uri + "?trustOnFirstUse=true&pkiDir=" + clientPki.toAbsolutePath().toString().replace('\\', '/'));
  }

  @Override
  public void run(Consumer<LabResult> lims) {
    lab = new SimulatedLab(runner, settings.labEvery, settings.labDelay, settings.labRepeatability, LAB_SEED);
    runner.runInRealTime(settings.speed);
    lab.start(lims);
    LOG.info("simulated plant '{}' running {} times faster than real time; lab samples every {}, results {} later",
        runner.scenario().name(), settings.speed, settings.labEvery, settings.labDelay);
  }

  @Override
  public Duration elapsed() {
    return runner == null ? Duration.ZERO : runner.elapsed();
  }

  /** Returns the running simulated line, for tests; null before {@link #serve}. */
  ScenarioRunner runner() {
    return runner;
  }

  /** Returns the simulated lab, for tests; null before {@link #run}. */
  SimulatedLab lab() {
    return lab;
  }

  @Override
  public void close() {
    if (lab != null) lab.close();
    if (runner != null) runner.close();
    if (clientPki != null) {
      try (Stream<Path> files = Files.walk(clientPki)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        LOG.debug("cannot delete {}: {}", clientPki, e.toString());
      }
    }
  }
}
