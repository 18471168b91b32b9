package io.aifactory.sdk.testkit.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aifactory.sdk.testkit.SimulatedServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The soft-sensor scenario behaves as its description says, served from memory. */
class ExtrusionLineTest {
  private static ScenarioRunner start() {
    Scenario s = Scenarios.load("extrusion-line", ScenariosTest.SPINDLE_LINE_IN_MEMORY);
    return ScenarioRunner.newBuilder().scenario(s).simulators(ScenariosTest.SPINDLE_LINE_IN_MEMORY).start();
  }

  private static double value(SimulatedServer server, String tag) {
    return ((Number) server.get(tag)).doubleValue();
  }

  @Test
  void shouldChangeProductAtTheEventAndKeepEachProductsOwnQualityRelation() {
    try (ScenarioRunner plant = start()) {
      SimulatedServer line = plant.server("line");
      Duration change = plant.scenario().event("line.productChange").at();
      plant.advanceTo(change.minusMinutes(1));
      assertEquals(1, value(line, "line1.recipe"));
      // The served values carry sensor noise; the truth follows the process itself, so compare loosely.
      double pipe = -1.62 + 0.012 * value(line, "line1.meltTemperature") + 0.003 * value(line, "line1.screwSpeed")
          - 0.004 * value(line, "line1.meltPressure");
      assertEquals(pipe, value(line, "simulation.trueMeltFlowIndex"), 0.02);
      assertEquals(0.30, value(line, "simulation.trueMeltFlowIndex"), 0.12, "PE100 pipe grade");
      plant.advanceTo(change.plusMinutes(1));
      assertEquals(2, value(line, "line1.recipe"));
      double film = -3.085 + 0.02 * value(line, "line1.meltTemperature") + 0.005 * value(line, "line1.screwSpeed")
          - 0.006 * value(line, "line1.meltPressure");
      assertEquals(film, value(line, "simulation.trueMeltFlowIndex"), 0.03);
      assertEquals(1.00, value(line, "simulation.trueMeltFlowIndex"), 0.25, "LLDPE film grade");
      assertEquals(0.0, value(plant.server("hmi"), "line1.predictedMeltFlowIndex"));
    }
  }

  @Test
  void shouldDriftTheMeltTemperatureSensorButNotTheMelt() {
    try (ScenarioRunner plant = start()) {
      SimulatedServer line = plant.server("line");
      Duration drift = plant.scenario().event("line.meltSensorDrift").at();
      plant.advanceTo(drift.plusHours(1));
      double truth = value(line, "simulation.trueMeltFlowIndex");
      double fromSensor = -3.085 + 0.02 * value(line, "line1.meltTemperature") + 0.005 * value(line, "line1.screwSpeed")
          - 0.006 * value(line, "line1.meltPressure");
      // 4 °C of sensor offset after an hour, times the film grade's 0.02 g/10min per °C.
      assertEquals(0.08, fromSensor - truth, 0.03);
    }
  }
}
