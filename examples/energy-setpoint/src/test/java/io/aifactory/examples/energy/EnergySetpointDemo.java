package io.aifactory.examples.energy;

import io.aifactory.sdk.testkit.scenario.LimitViolation;
import io.aifactory.sdk.testkit.scenario.Scenario;
import io.aifactory.sdk.testkit.scenario.ScenarioRunner;
import io.aifactory.sdk.testkit.scenario.Scenarios;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo: the app against the SDK's simulated compressed-air system, in one JVM. It lives in the test sources
 * because the simulated plant (the testkit) is development tooling: the production jar, {@code energy-setpoint.jar},
 * never contains it. {@code energy-setpoint-demo.jar} starts this class; it takes the app's options.
 *
 * <p>The simulated plant answers the setpoint the guard writes (a closed loop), and keeps its own record of every
 * moment its pressure left its limits: the summary prints it, and the test asserts it is empty.
 */
final class EnergySetpointDemo implements EnergySetpointApp.PlantSimulator {
  private static final Logger LOG = LoggerFactory.getLogger(EnergySetpointDemo.class);

  private final String scenarioName;
  private final double speed;
  private ScenarioRunner runner;

  EnergySetpointDemo(Settings settings) {
    this.scenarioName = settings.scenario;
    this.speed = settings.speed;
  }

  public static void main(String[] args) throws Exception {
    Settings settings;
    try {
      settings = Settings.fromArgs(args);
    } catch (IllegalArgumentException e) {
      System.err.println("energy-setpoint-demo: " + e.getMessage());
      System.exit(2);
      return;
    }
    EnergySetpointApp.run(settings, new EnergySetpointDemo(settings));
  }

  @Override
  public URI serve(String deviceName) {
    if (runner != null) throw new IllegalStateException("the demo already simulates " + runner.servers().keySet());
    Scenario scenario = Scenarios.load(scenarioName);
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

  @Override
  public String report() {
    if (runner == null) return "";
    List<LimitViolation> violations = runner.violations();
    StringBuilder b = new StringBuilder("plant      " + (violations.isEmpty()
        ? "no limit violations in the simulated plant's record"
        : violations.size() + " limit violation(s) in the simulated plant's record:"));
    for (LimitViolation v : violations) b.append(System.lineSeparator()).append("             ").append(v);
    return b.toString();
  }

  /** Returns the running simulated plant, for tests; null before {@link #serve}. */
  ScenarioRunner runner() {
    return runner;
  }

  @Override
  public void close() {
    if (runner != null) runner.close();
  }
}
