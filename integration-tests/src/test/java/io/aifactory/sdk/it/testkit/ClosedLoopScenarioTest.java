package io.aifactory.sdk.it.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.scenario.LimitViolation;
import io.aifactory.sdk.testkit.scenario.Scenario;
import io.aifactory.sdk.testkit.signal.Signal;
import io.aifactory.sdk.testkit.scenario.ScenarioDevice;
import io.aifactory.sdk.testkit.scenario.ScenarioRunner;
import io.aifactory.sdk.testkit.scenario.Scenarios;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The closed-loop testbed over a real socket: a setpoint written by the Modbus driver moves the simulated plant, and
 * the plant's own record shows when a write pushed it beyond its limits. Simulation time moves only by
 * {@code advance}, so the expected values follow from the scenario's formulas, not from wall-clock timing.
 */
class ClosedLoopScenarioTest {
  private static final DeviceOptions FAST = DeviceOptions.newBuilder()
      .requestTimeout(Duration.ofMillis(500))
      .connectTimeout(Duration.ofSeconds(2))
      .build();

  private static double read(Device plc, Tag tag) throws Exception {
    SampleBatch b = plc.read(List.of(tag)).get(10, TimeUnit.SECONDS);
    assertTrue(b.isGood(0), b.toString());
    return b.doubleValue(0);
  }

  @Test
  void shouldMoveTheCompressedAirPlantWithASetpointWrittenOverModbus() throws Exception {
    Scenario scenario = Scenarios.load("compressed-air");
    ScenarioDevice d = scenario.device("compressor-plc").orElseThrow();
    Tag setpoint = d.tag("pressureSetpoint").orElseThrow().tag();
    Tag pressure = d.tag("pressure").orElseThrow().tag();
    Tag power = d.tag("power").orElseThrow().tag();
    try (ScenarioRunner plant = ScenarioRunner.start(scenario);
        Device plc = Devices.open(plant.uri("compressor-plc").toString(), FAST)) {
      plc.whenConnected().get(20, TimeUnit.SECONDS);
      plant.advanceTo(Duration.ofSeconds(30));
      assertEquals(7.5, read(plc, setpoint), 1e-6);
      double pressureBefore = read(plc, pressure);
      double powerBefore = plant.processValue("compressor-plc", "power");
      assertEquals(plant.processValue("compressor-plc", "pressure"), pressureBefore, 0.05, "within the measurement noise");

      plc.write(setpoint, 6.8f).get(10, TimeUnit.SECONDS);
      // The pressure answers after its 1 s dead time: nothing yet half a second later.
      plant.advance(Duration.ofMillis(500));
      assertEquals(pressureBefore, plant.processValue("compressor-plc", "pressure"), 0.05);
      // Five time constants (3 s) after the dead time, 99 % of the 0.7 bar step is done.
      plant.advance(Duration.ofSeconds(16));
      double demand = plant.signal("compressor-plc", "demand").valueAt(plant.clock().elapsedNanos());
      assertEquals(6.8 - 0.04 * demand, read(plc, pressure), 0.06, "pressure follows the written setpoint");
      assertTrue(read(plc, power) < powerBefore - 3, "a lower setpoint takes less power: " + powerBefore + " kW before");
      assertEquals(List.of(), plant.violations());
    }
  }

  @Test
  void shouldRecordAnUnsafeWriteAsALimitViolation() throws Exception {
    Scenario scenario = Scenarios.load("compressed-air");
    Tag setpoint = scenario.device("compressor-plc").orElseThrow().tag("pressureSetpoint").orElseThrow().tag();
    try (ScenarioRunner plant = ScenarioRunner.start(scenario);
        Device plc = Devices.open(plant.uri("compressor-plc").toString(), FAST)) {
      plc.whenConnected().get(20, TimeUnit.SECONDS);
      plant.advanceTo(Duration.ofSeconds(10));
      plc.write(setpoint, 5.5f).get(10, TimeUnit.SECONDS); // no guard: below what the consumers need
      plant.advance(Duration.ofSeconds(20));
      List<LimitViolation> violations = plant.violations();
      assertFalse(violations.isEmpty());
      LimitViolation v = violations.get(0);
      assertEquals("pressure", v.tag());
      assertTrue(v.belowMin());
      assertEquals(6.0, v.limit());
      // It began after the dead time, while the pressure fell along its lag.
      assertTrue(v.start().compareTo(Duration.ofSeconds(11)) > 0, v.toString());
      assertTrue(v.end().isEmpty(), "still below: " + v);
    }
  }

  @Test
  void shouldChangeASpindlesLoadWithAFeedOverrideWrittenOverModbus() throws Exception {
    Scenario scenario = Scenarios.load("spindle-line");
    ScenarioDevice d = scenario.device("line-plc").orElseThrow();
    Tag feed = d.tag("spindle1.feedOverride").orElseThrow().tag();
    Tag current = d.tag("spindle1.motorCurrent").orElseThrow().tag();
    Scenario plcOnly = scenario.toBuilder().devices(List.of(d)).build();
    try (ScenarioRunner plant = ScenarioRunner.start(plcOnly);
        Device plc = Devices.open(plant.uri("line-plc").toString(), FAST)) {
      plc.whenConnected().get(20, TimeUnit.SECONDS);
      plant.advanceTo(Duration.ofSeconds(30));
      // At a feed override of 100 % the load is the scenario's own signal: the response adds nothing.
      Signal own = d.tag("spindle1.motorCurrent").orElseThrow().signal(plant.seed()); // the load without the loop
      double uncontrolled = own.valueAt(plant.clock().elapsedNanos());
      assertEquals(uncontrolled, read(plc, current), 1e-4);

      plc.write(feed, 70).get(10, TimeUnit.SECONDS);
      plant.advance(Duration.ofSeconds(10)); // five time constants of its 2 s lag
      double now = own.valueAt(plant.clock().elapsedNanos());
      assertEquals(now - 0.04 * 30, read(plc, current), 0.02, "30 % less feed, 1.2 A less motor current");
    }
  }
}
