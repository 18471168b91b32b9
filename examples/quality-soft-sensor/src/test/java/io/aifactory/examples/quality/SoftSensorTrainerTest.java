package io.aifactory.examples.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.testkit.onnx.JavaReference;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The models the example ships are exactly what training produces, and they compute what the trainer says. */
class SoftSensorTrainerTest {
  @Test
  void shippedModelsArePinnedAndComeFromTraining() throws Exception {
    List<SoftSensorTrainer.Trained> trained = SoftSensorTrainer.train();
    List<ConfigNode> variants = Settings.fromArgs().config.array("models").get(0).array("variants");
    assertEquals(trained.size(), variants.size());
    for (int i = 0; i < trained.size(); i++) {
      SoftSensorTrainer.Trained t = trained.get(i);
      byte[] shipped;
      try (InputStream in = getClass().getResourceAsStream("/" + t.resource())) {
        shipped = in.readAllBytes();
      }
      assertEquals(t.model().sha256(), ModelSource.sha256Hex(shipped), t.resource() + " is stale: rerun SoftSensorTrainer");
      assertEquals(t.recipe(), variants.get(i).integer("recipe", 0));
      assertEquals(t.resource(), variants.get(i).text("resource"));
      assertEquals(t.model().sha256(), variants.get(i).text("sha256"), "the JSON pins another file");
      // The drift bound sits well above what the model gets wrong on its own training data.
      assertTrue(variants.get(i).number("driftBound") > 3 * t.rmse(), t.variant() + " RMSE " + t.rmse());
    }
  }

  @Test
  void exportedLayerPredictsTheRegressionAndEchoesTheRecipes() {
    double[] w = {0.012, 0.003, -0.004};
    int rows = SoftSensorTrainer.ROWS;
    int width = SoftSensorTrainer.WIDTH;
    float[] window = new float[rows * width];
    for (int r = 0; r < rows; r++) {
      window[r * width] = 200 + r;
      window[r * width + 1] = 60;
      window[r * width + 2] = 180;
      window[r * width + 3] = r < 4 ? 1 : 2; // a product change inside the window
    }
    float[][] weights = new float[rows * width][4];
    float[] bias = {-1.62f, 2, 0, 0};
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < 3; c++) weights[r * width + c][0] = (float) (w[c] / rows);
    }
    weights[(rows - 1) * width + 3][2] = 1;
    weights[3][3] = 1;
    float[] expected = JavaReference.linear(window, weights, bias);
    assertEquals(-1.62 + 0.012 * (200 + (rows - 1) / 2.0) + 0.003 * 60 - 0.004 * 180, expected[0], 1e-4);
    assertEquals(2, expected[1]);
    assertEquals(2, expected[2], "newest row");
    assertEquals(1, expected[3], "oldest row");
    // The trainer lays out the same weights.
    assertEquals(SoftSensorTrainer.export(2, -1.62, w).sha256(), io.aifactory.sdk.testkit.onnx.OnnxModels
        .mlp(new int[] {rows, width}, List.<float[][]>of(weights), List.<float[]>of(bias)).sha256());
  }
}
