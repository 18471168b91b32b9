package io.aifactory.examples.spindle;

import io.aifactory.sdk.testkit.scenario.Scenario;
import io.aifactory.sdk.testkit.scenario.ScenarioRunner;
import io.aifactory.sdk.testkit.scenario.Scenarios;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo: the app against the SDK's simulated line, in one JVM. It lives in the test sources because the simulated
 * plant (the testkit) is development tooling: the production jar, {@code spindle-anomaly.jar}, never contains it.
 * {@code spindle-anomaly-demo.jar} starts this class; it takes the app's options.
 */
final class SpindleAnomalyDemo implements SpindleAnomalyApp.PlantSimulator {
  private static final Logger LOG = LoggerFactory.getLogger(SpindleAnomalyDemo.class);

  private final String scenarioName;
  private final double speed;
  private ScenarioRunner runner;

  SpindleAnomalyDemo(Settings settings) {
    this.scenarioName = settings.scenario;
    this.speed = settings.speed;
  }

  public static void main(String[] args) throws Exception {
    Settings settings;
    try {
      settings = Settings.fromArgs(args);
    } catch (IllegalArgumentException e) {
      System.err.println("spindle-anomaly-demo: " + e.getMessage());
      System.exit(2);
      return;
    }
    SpindleAnomalyApp.run(settings, new SpindleAnomalyDemo(settings));
  }

  @Override
  public URI serve(String deviceName) {
    // One simulated PLC is all this example's config has; a second would need its own clock, out of step.
    if (runner != null) throw new IllegalStateException("the demo already simulates " + runner.servers().keySet());
    Scenario scenario = Scenarios.load(scenarioName);
    // Only this PLC: the scenario's OPC UA condition monitor would cost a server start for nothing.
    Scenario plcOnly = scenario.toBuilder().devices(List.of(scenario.device(deviceName).orElseThrow(() ->
        new IllegalArgumentException("scenario '" + scenario.name() + "' has no device '" + deviceName + "'")))).build();
    runner = ScenarioRunner.start(plcOnly);
    runner.runInRealTime(speed);
    LOG.info("simulated plant '{}' running {} times faster than real time; {} is at {}", scenario.name(), speed,
        deviceName, runner.uri(deviceName));
    return runner.uri(deviceName);
  }

  @Override
  public Duration elapsed() {
    return runner == null ? Duration.ZERO : runner.elapsed();
  }

  /** Returns the running simulated line, for tests that inject faults; null before {@link #serve}. */
  ScenarioRunner runner() {
    return runner;
  }

  @Override
  public void close() {
    if (runner != null) runner.close();
  }
}
