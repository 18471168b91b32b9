package io.aifactory.sdk.testkit.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.testkit.SimulatedServer;
import io.aifactory.sdk.testkit.fakes.InMemorySimulatorFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The closed-loop testbed: tags that answer written setpoints through gain, dead time and a first-order lag, with
 * limits recorded as violations. Everything runs on the simulation clock with an in-memory simulator, so the
 * curves are checked against their formulas exactly, with no wall-clock time involved.
 */
class ResponseTest {
  static final SimulatorFactories MEMORY = SimulatorFactories.of(new InMemorySimulatorFactory("memory"));
  static final SimulatorFactories COMPRESSED_AIR_IN_MEMORY = SimulatorFactories.of(new InMemorySimulatorFactory("modbus"));

  /** A device with a setpoint {@code sp} (starts at 2) and a tag {@code pv} with the given response. */
  private static String plant(String response) {
    return "{ \"name\": \"loop\", \"tick\": \"100ms\", \"devices\": [ { \"name\": \"d\", \"kind\": \"memory\", \"tags\": [\n"
        + "  { \"name\": \"sp\", \"address\": \"a\", \"type\": \"float64\", \"initial\": 2 },\n"
        + "  { \"name\": \"load\", \"address\": \"b\", \"type\": \"float64\", \"signal\": { \"kind\": \"constant\", \"value\": 1 } },\n"
        + "  { \"name\": \"pv\", \"address\": \"c\", \"type\": \"float64\", \"response\": " + response + " }\n"
        + "] } ] }";
  }

  private static ScenarioRunner start(String json) {
    return ScenarioRunner.newBuilder().scenario(Scenarios.parse(json, MEMORY)).simulators(MEMORY).start();
  }

  private static String error(String response) {
    return assertThrows(ConfigurationException.class, () -> Scenarios.parse(plant(response), MEMORY)).getMessage();
  }

  @Test
  void shouldFollowASetpointStepAlongTheFirstOrderCurveAfterTheDeadTime() {
    double gain = 3;
    double offset = 1;
    double tau = 4;
    double dead = 1.5;
    try (ScenarioRunner plant = start(plant("{ \"inputs\": [ { \"tag\": \"sp\", \"gain\": 3 } ], \"offset\": 1, "
        + "\"timeConstant\": \"4s\", \"deadTime\": \"1500ms\" }"))) {
      SimulatedServer d = plant.server("d");
      // Starts at its steady state for the initial setpoint.
      assertEquals(offset + gain * 2, plant.processValue("d", "pv"), 1e-12);
      plant.advanceTo(Duration.ofSeconds(10));
      assertEquals(offset + gain * 2, plant.processValue("d", "pv"), 1e-12);

      d.set("sp", 5.0); // a client writes the setpoint at t0 = 10 s
      double t0 = 10;
      double y0 = offset + gain * 2;
      double y1 = offset + gain * 5;
      for (int i = 1; i <= 300; i++) {
        plant.advance(Duration.ofMillis(100));
        double t = t0 + i * 0.1;
        double expected = t <= t0 + dead ? y0 : y1 + (y0 - y1) * Math.exp(-(t - t0 - dead) / tau);
        assertEquals(expected, plant.processValue("d", "pv"), 1e-9, "at " + t + " s");
        assertEquals(expected, (Double) d.get("pv"), 1e-9, "published at " + t + " s");
        if (i == 55) {
          // One time constant after the dead time: 63.2 % of the way, as the textbook says.
          assertEquals(0.632, (plant.processValue("d", "pv") - y0) / (y1 - y0), 1e-3);
        }
      }
    }
  }

  @Test
  void shouldGiveTheSameCurveWhetherTimeMovesInOneJumpOrInTicks() {
    String response = "{ \"inputs\": [ { \"tag\": \"sp\", \"gain\": 2 } ], \"timeConstant\": \"2s\", \"deadTime\": \"700ms\" }";
    try (ScenarioRunner jump = start(plant(response)); ScenarioRunner ticks = start(plant(response))) {
      jump.advanceTo(Duration.ofSeconds(1));
      ticks.advanceTo(Duration.ofSeconds(1));
      jump.server("d").set("sp", 4.0);
      ticks.server("d").set("sp", 4.0);
      jump.advance(Duration.ofMillis(3250));
      for (int i = 0; i < 13; i++) ticks.advance(Duration.ofMillis(250));
      double t = 3.25 - 0.7;
      assertEquals(8 + (4 - 8) * Math.exp(-t / 2), jump.processValue("d", "pv"), 1e-9);
      assertEquals(jump.processValue("d", "pv"), ticks.processValue("d", "pv"), 1e-9);
    }
  }

  @Test
  void shouldMultiplyASetpointBySignalInOneInput() {
    // power = 5 + 0.5 × sp × load, instant: the kind of term a compressor's power has (setpoint × demand).
    try (ScenarioRunner plant = start(plant("{ \"inputs\": [ { \"tag\": \"sp\", \"signal\": { \"kind\": \"constant\", \"value\": 4 }, "
        + "\"gain\": 0.5 } ], \"offset\": 5 }"))) {
      assertEquals(5 + 0.5 * 2 * 4, plant.processValue("d", "pv"), 1e-12);
      plant.server("d").set("sp", 3.0);
      plant.advance(Duration.ofMillis(100));
      assertEquals(5 + 0.5 * 3 * 4, plant.processValue("d", "pv"), 1e-12);
    }
  }

  @Test
  void shouldRecordALimitViolationFromStartToEndWithItsExtreme() {
    try (ScenarioRunner plant = start(plant("{ \"inputs\": [ { \"tag\": \"sp\" } ], \"limits\": { \"min\": 1, \"max\": 3 } }"))) {
      plant.advanceTo(Duration.ofSeconds(5));
      assertEquals(List.of(), plant.violations());

      plant.server("d").set("sp", 3.5); // unsafe: beyond the process's maximum
      plant.advance(Duration.ofSeconds(1));
      plant.server("d").set("sp", 4.0);
      plant.advance(Duration.ofSeconds(1));
      List<LimitViolation> ongoing = plant.violations();
      assertEquals(1, ongoing.size());
      assertTrue(ongoing.get(0).end().isEmpty());

      plant.server("d").set("sp", 2.5);
      plant.advance(Duration.ofSeconds(1));
      LimitViolation v = plant.violations().get(0);
      assertEquals(1, plant.violations().size());
      assertEquals("pv", v.tag());
      assertEquals("d", v.device());
      assertFalse(v.belowMin());
      assertEquals(3.0, v.limit());
      // The process has no lag here, so it crossed with the first step after the write and came back with the last.
      assertEquals(Duration.ofMillis(5100), v.start());
      assertEquals(Duration.ofMillis(7100), v.end().orElseThrow());
      assertEquals(4.0, v.extreme(), 1e-12);
      assertEquals("d/pv above max 3.000 from 5.1 s to 7.1 s (extreme 4.000)", v.toString());
    }
  }

  @Test
  void shouldAddNoiseToThePublishedValueOnlyAndRepeatItForTheSameSeed() {
    String response = "{ \"inputs\": [ { \"tag\": \"sp\" } ], \"noise\": 0.1, \"limits\": { \"max\": 2.05 } }";
    double sum = 0;
    double sumSq = 0;
    int n = 2000;
    try (ScenarioRunner a = start(plant(response)); ScenarioRunner b = start(plant(response))) {
      for (int i = 0; i < n; i++) {
        a.advance(Duration.ofMillis(100));
        b.advance(Duration.ofMillis(100));
        double v = (Double) a.server("d").get("pv");
        assertEquals(v, (Double) b.server("d").get("pv"));
        assertEquals(2.0, a.processValue("d", "pv"));
        sum += v - 2;
        sumSq += (v - 2) * (v - 2);
      }
      // Noise on the measurement is not the process leaving its limits.
      assertEquals(List.of(), a.violations());
    }
    assertEquals(0, sum / n, 0.01);
    assertEquals(0.1, Math.sqrt(sumSq / n), 0.01);
  }

  @Test
  void shouldAddTheResponseToTheTagsOwnSignal() {
    // A spindle's load: its own signal, plus what a feed-override change adds.
    String json = plant("{ \"inputs\": [ { \"tag\": \"sp\", \"gain\": 10 } ], \"offset\": -20 }")
        .replace("\"type\": \"float64\", \"response\"", "\"type\": \"float64\", \"signal\": { \"kind\": \"constant\", \"value\": 7 }, \"response\"");
    try (ScenarioRunner plant = start(json)) {
      assertEquals(7.0, (Double) plant.server("d").get("pv"), 1e-12);
      plant.server("d").set("sp", 2.5);
      plant.advance(Duration.ofMillis(100));
      assertEquals(12.0, (Double) plant.server("d").get("pv"), 1e-12);
    }
  }

  @Test
  void shouldNameThePathOfEveryMistakeInAResponse() {
    assertEquals("devices[0].tags[2].response.gain: unknown field (expected one of deadTime, initial, inputs, limits, noise, offset, timeConstant)",
        error("{ \"inputs\": [ { \"tag\": \"sp\" } ], \"gain\": 2 }"));
    assertEquals("devices[0].tags[2].response.inputs: expected at least one input ({\"tag\": setpoint, \"signal\": {...}, \"gain\": k}), found none",
        error("{ \"inputs\": [] }"));
    assertEquals("devices[0].tags[2].response.inputs[0]: expected a tag (a setpoint of this device), a signal, or both",
        error("{ \"inputs\": [ { \"gain\": 2 } ] }"));
    assertEquals("devices[0].tags[2].response.inputs[1].tag: no tag 'setpoint' on device 'd' (its setpoints, tags without signal or response: sp)",
        error("{ \"inputs\": [ { \"tag\": \"sp\" }, { \"tag\": \"setpoint\" } ] }"));
    assertEquals("devices[0].tags[2].response.inputs[0].tag: tag 'load' is driven by a signal; a response input reads a setpoint "
        + "(a tag without signal or response, which clients write); for a driven quantity use its signal",
        error("{ \"inputs\": [ { \"tag\": \"load\" } ] }"));
    assertEquals("devices[0].tags[2].response.inputs[0].signal.kind: unknown signal 'sinus' (expected constant, sine, ramp, square, step, "
        + "randomWalk, noise, csv, sum, product, scale, ref)",
        error("{ \"inputs\": [ { \"signal\": { \"kind\": \"sinus\" } } ] }"));
    assertEquals("devices[0].tags[2].response.timeConstant: expected a duration like 250ms, 2s, 5m or PT2S, found \"slow\"",
        error("{ \"inputs\": [ { \"tag\": \"sp\" } ], \"timeConstant\": \"slow\" }"));
    assertEquals("devices[0].tags[2].response.limits: expected min < max, found min 3.0 and max 1.0",
        error("{ \"inputs\": [ { \"tag\": \"sp\" } ], \"limits\": { \"min\": 3, \"max\": 1 } }"));
    assertEquals("devices[0].tags[2].response.noise: expected a standard deviation >= 0, found -1.0",
        error("{ \"inputs\": [ { \"tag\": \"sp\" } ], \"noise\": -1 }"));
    assertEquals("devices[0].tags[2].response.limits.low: unknown field (expected one of max, min)",
        error("{ \"inputs\": [ { \"tag\": \"sp\" } ], \"limits\": { \"low\": 1 } }"));
  }

  @Test
  void shouldRefuseAResponseOnATagThatIsNotAScalarNumber() {
    String json = plant("{ \"inputs\": [ { \"tag\": \"sp\" } ] }").replace("\"name\": \"pv\", \"address\": \"c\", \"type\": \"float64\"",
        "\"name\": \"pv\", \"address\": \"c\", \"type\": \"bool\"");
    String message = assertThrows(ConfigurationException.class, () -> Scenarios.parse(json, MEMORY)).getMessage();
    assertTrue(message.startsWith("devices[0].tags[2]: tag 'pv' is "), message);
    assertTrue(message.endsWith(": a response drives scalar numbers only"), message);
  }

  @Test
  void shouldRecordRespondingTagsAsThePlantRunsAtItsInitialSetpoints() {
    Scenario s = Scenarios.parse(plant("{ \"inputs\": [ { \"tag\": \"sp\", \"gain\": 3 } ], \"offset\": 1, \"timeConstant\": \"1s\" }"), MEMORY);
    Recording r = Recording.of(s, 1, Duration.ofSeconds(2), Duration.ofSeconds(1));
    assertEquals(List.of("d/load", "d/pv"), r.columns());
    assertEquals(7.0, r.value(2, 1), 1e-12);
  }

  // ---- the built-in closed-loop scenario ----

  @Test
  void shouldKeepTheCompressedAirSystemWithinItsLimitsAtItsUsualSetpoint() {
    Scenario s = Scenarios.load("compressed-air", COMPRESSED_AIR_IN_MEMORY);
    try (ScenarioRunner plant = ScenarioRunner.newBuilder().scenario(s).simulators(COMPRESSED_AIR_IN_MEMORY).start()) {
      double minPressure = Double.POSITIVE_INFINITY;
      for (int i = 0; i < 2400; i++) {
        plant.advance(Duration.ofMillis(100));
        minPressure = Math.min(minPressure, plant.processValue("compressor-plc", "pressure"));
      }
      assertEquals(List.of(), plant.violations());
      // The spikes do bite: the pressure sags by more than half a bar, but not below 6.0 from 7.5.
      assertTrue(minPressure < 7.0 && minPressure > 6.0, "min pressure " + minPressure);
    }
  }

  @Test
  void shouldShowAnUnsafeSetpointAsAViolationDuringADemandSpike() {
    Scenario s = Scenarios.load("compressed-air", COMPRESSED_AIR_IN_MEMORY);
    try (ScenarioRunner plant = ScenarioRunner.newBuilder().scenario(s).simulators(COMPRESSED_AIR_IN_MEMORY).start()) {
      plant.advanceTo(Duration.ofSeconds(30));
      double powerBefore = plant.processValue("compressor-plc", "power");
      // 6.5 bar meets normal demand (about 10 m³/min sags 0.4 bar) but not a spike.
      plant.server("compressor-plc").set("pressureSetpoint", 6.5f);
      plant.advanceTo(Duration.ofSeconds(60));
      assertEquals(List.of(), plant.violations(), "normal demand is met at 6.5 bar");
      double powerAfter = plant.processValue("compressor-plc", "power");
      assertTrue(powerAfter < powerBefore - 2, "a bar less costs less: " + powerBefore + " kW -> " + powerAfter + " kW");

      plant.advanceTo(s.event("demandSpike2").at().plus(Duration.ofSeconds(20)));
      List<LimitViolation> violations = plant.violations();
      assertFalse(violations.isEmpty(), "the spike at 120 s must pull the pressure below 6.0 bar");
      LimitViolation v = violations.get(0);
      assertEquals("pressure", v.tag());
      assertTrue(v.belowMin());
      assertTrue(v.start().compareTo(s.event("demandSpike1").at()) >= 0, v.toString());
      assertTrue(v.extreme() < 6.0, v.toString());
    }
  }
}
