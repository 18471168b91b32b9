package io.aifactory.examples.energy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aifactory.sdk.core.config.ConfigNode;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class EnergyModelTrainerTest {
  private static final EnergyModelTrainer TRAINED = EnergyModelTrainer.train();

  @Test
  void shouldShipExactlyTheModelTheTrainerProduces() throws IOException {
    byte[] shipped;
    try (InputStream in = EnergyModelTrainerTest.class.getResourceAsStream("/models/energy-setpoint.onnx")) {
      shipped = in.readAllBytes();
    }
    assertArrayEquals(TRAINED.model.bytes(), shipped, "run EnergyModelTrainer.main to regenerate the model");
    ConfigNode config = Settings.fromArgs().config;
    assertEquals(TRAINED.model.sha256(), config.array("models").get(0).text("sha256"), "the JSON pins another model");
  }

  /** The lines fitted from the recording are the plant the scenario declares: 0.04 bar per m³/min, 8 + 6.2 kW per m³/min. */
  @Test
  void shouldLearnThePlantsPressureDropAndPowerFromTheRecording() {
    assertEquals(0.04, TRAINED.pressureDrop[1], 0.004);
    assertEquals(0.0, TRAINED.pressureDrop[0], 0.05);
    assertEquals(3.2 + 0.4 * EnergyModelTrainer.UNCHANGED_SETPOINT, TRAINED.baselinePower[1], 0.2);
    assertEquals(8.0, TRAINED.baselinePower[0], 2.0);
  }
}
