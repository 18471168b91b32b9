package io.aifactory.examples.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.inference.ModelSource;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The model and normalisation the example ships are exactly what training on the simulated line produces. */
class SpindleModelTrainerTest {
  @Test
  void shippedModelAndNormalisationComeFromTraining() throws Exception {
    SpindleModelTrainer trained = SpindleModelTrainer.train();
    byte[] shipped;
    try (InputStream in = getClass().getResourceAsStream("/models/spindle-pca.onnx")) {
      shipped = in.readAllBytes();
    }
    assertEquals(trained.model.sha256(), ModelSource.sha256Hex(shipped), "models/spindle-pca.onnx is stale: rerun SpindleModelTrainer");
    ConfigNode config = Settings.fromArgs().config;
    assertEquals(trained.model.sha256(), config.array("models").get(0).text("sha256"));
    var machines = config.array("pipelines").get(0).array("machines");
    for (int s = 0; s < SpindleModelTrainer.SPINDLES.size(); s++) {
      assertEquals(SpindleModelTrainer.SPINDLES.get(s), machines.get(s).text("name"));
      for (int c = 0; c < trained.std[s].length; c++) {
        assertEquals(trained.mean[s][c], machines.get(s).numbers("mean")[c], 1e-5 * Math.abs(trained.mean[s][c]));
        assertEquals(trained.std[s][c], machines.get(s).numbers("std")[c], 1e-5 * trained.std[s][c]);
      }
    }
  }
}
