package io.aifactory.sdk.testkit.scenario;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.testkit.SimulatedServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The reference scenario behaves as its description says, served from memory. */
class SpindleLineTest {
  private static ScenarioRunner start() {
    Scenario s = Scenarios.load("spindle-line", ScenariosTest.SPINDLE_LINE_IN_MEMORY);
    return ScenarioRunner.newBuilder().scenario(s).simulators(ScenariosTest.SPINDLE_LINE_IN_MEMORY).start();
  }

  static double bin(float[] x, int k) {
    double re = 0;
    double im = 0;
    for (int n = 0; n < x.length; n++) {
      double a = 2 * Math.PI * k * n / x.length;
      re += x[n] * Math.cos(a);
      im -= x[n] * Math.sin(a);
    }
    return 2 * Math.hypot(re, im) / x.length;
  }

  @Test
  void shouldDevelopABearingDefectToneOnSpindle2AfterTwoMinutes() {
    try (ScenarioRunner plant = start()) {
      SimulatedServer cm = plant.server("condition-monitor");
      plant.advance(Duration.ofSeconds(100));
      double healthy = bin((float[]) cm.get("spindle2.vibration"), 37);
      double rmsHealthy = ((Number) cm.get("spindle2.vibrationRms")).doubleValue();
      double tempHealthy = ((Number) cm.get("spindle2.temperature")).doubleValue();
      plant.advance(Duration.ofSeconds(200)); // 300 s: 180 s into the fault
      float[] faulty = (float[]) cm.get("spindle2.vibration");
      assertTrue(healthy < 0.05, "bin 37 before the fault: " + healthy);
      assertEquals(0.9, bin(faulty, 37), 0.1, "the 370 Hz defect tone at 300 s");
      assertEquals(0.5, bin(faulty, 10), 0.05, "1x running speed");
      assertTrue(bin((float[]) cm.get("spindle1.vibration"), 37) < 0.05, "spindle 1 stays healthy");
      double rms = ((Number) cm.get("spindle2.vibrationRms")).doubleValue();
      assertEquals(1.8, rms - rmsHealthy, 0.2);
      double temp = ((Number) cm.get("spindle2.temperature")).doubleValue();
      assertEquals(3.6, temp - tempHealthy, 1.0, "drift of 0.02 °C/s for 180 s, on a slow random walk");
    }
  }

  @Test
  void shouldServeTheSameValuesOverBothProtocols() {
    try (ScenarioRunner plant = start()) {
      plant.advance(Duration.ofSeconds(95));
      for (String q : new String[] {"speed", "motorCurrent", "temperature", "vibrationRms"}) {
        assertEquals(plant.server("line-plc").get("spindle3." + q), plant.server("condition-monitor").get("spindle3." + q), q);
      }
      assertEquals(100, plant.server("line-plc").get("spindle1.feedOverride"));
    }
  }

  @Test
  void shouldBeDeterministicForASeedOverTheWholeLine() {
    float[] a;
    float[] b;
    Object tempA;
    Object tempB;
    try (ScenarioRunner plant = start()) {
      plant.advance(Duration.ofSeconds(250));
      a = (float[]) plant.server("condition-monitor").get("spindle2.vibration");
      tempA = plant.server("line-plc").get("spindle1.temperature");
    }
    try (ScenarioRunner plant = start()) {
      for (int i = 0; i < 10; i++) plant.advance(Duration.ofSeconds(25));
      b = (float[]) plant.server("condition-monitor").get("spindle2.vibration");
      tempB = plant.server("line-plc").get("spindle1.temperature");
    }
    assertArrayEquals(a, b);
    assertEquals(tempA, tempB);
  }
}
