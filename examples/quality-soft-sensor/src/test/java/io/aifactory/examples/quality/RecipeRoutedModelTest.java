package io.aifactory.examples.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.core.pipeline.Models;
import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.inference.ModelSource;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-product model routing, on the shipped models, without a pipeline. */
class RecipeRoutedModelTest {
  private static final int ROWS = SoftSensorTrainer.ROWS;
  private static final int WIDTH = SoftSensorTrainer.WIDTH;

  private static RecipeRoutedModel open() {
    ConfigNode node = Settings.fromArgs().config.array("models").get(0);
    return (RecipeRoutedModel) Models.open(node, Path.of("."));
  }

  /** Fills window {@code i} of the batch with constant process values and the given recipe in every row. */
  private static void fill(TensorBuffer in, int i, int recipe) {
    for (int r = 0; r < ROWS; r++) {
      int at = (i * ROWS + r) * WIDTH;
      in.putFloat(at, recipe == 1 ? 205 : 225);
      in.putFloat(at + 1, recipe == 1 ? 60 : 85);
      in.putFloat(at + 2, recipe == 1 ? 180 : 140);
      in.putFloat(at + 3, recipe);
    }
  }

  @Test
  void shouldScoreEachWindowOfABatchWithItsOwnProductsModel() {
    try (RecipeRoutedModel model = open();
        TensorBuffer in = TensorBuffer.allocate(ElementType.FLOAT32, 3, ROWS, WIDTH);
        TensorBuffer out = TensorBuffer.allocate(ElementType.FLOAT32, 3, 4)) {
      fill(in, 0, 2);
      fill(in, 1, 1);
      fill(in, 2, 2);
      model.check(Map.of("window", in), Map.of("mfi", out));
      model.run(Map.of("window", in), Map.of("mfi", out));
      assertEquals(2, out.getFloat(1), "window 0: film model");
      assertEquals(1, out.getFloat(4 + 1), "window 1: pipe model");
      assertEquals(2, out.getFloat(8 + 1), "window 2: film model");
      assertEquals(1.00, out.getFloat(0), 0.05, "film grade at its setpoints");
      assertEquals(0.30, out.getFloat(4), 0.05, "pipe grade at its setpoints");
    }
  }

  @Test
  void shouldRefuseARecipeWithoutAModelByName() {
    try (RecipeRoutedModel model = open();
        TensorBuffer in = TensorBuffer.allocate(ElementType.FLOAT32, 1, ROWS, WIDTH);
        TensorBuffer out = TensorBuffer.allocate(ElementType.FLOAT32, 1, 4)) {
      fill(in, 0, 7);
      InferenceException e = assertThrows(InferenceException.class,
          () -> model.run(Map.of("window", in), Map.of("mfi", out)));
      assertTrue(e.getMessage().contains("no model for recipe 7 (variants: 1 PE100-pipe, 2 LLDPE-film)"), e.getMessage());
    }
  }

  @Test
  void shouldServeARetrainedVersionFromTheNextWindowOn() {
    try (RecipeRoutedModel model = open();
        TensorBuffer in = TensorBuffer.allocate(ElementType.FLOAT32, 1, ROWS, WIDTH);
        TensorBuffer out = TensorBuffer.allocate(ElementType.FLOAT32, 1, 4)) {
      fill(in, 0, 2);
      model.run(Map.of("window", in), Map.of("mfi", out));
      double before = out.getFloat(0);
      // A retrained film model (here: the same regression, 0.1 higher) deployed while the pipeline would be running.
      byte[] v2 = SoftSensorTrainer.export(2, -2.87037 + 0.1, new double[] {0.0193556, 0.00465567, -0.00628791})
          .bytes();
      model.registry().deploy(model.variants().get(2).modelName(), "2", ModelSource.ofBytes("film-v2", v2));
      model.run(Map.of("window", in), Map.of("mfi", out));
      assertEquals(before + 0.1, out.getFloat(0), 1e-3);
      assertEquals("2", model.info(2).version());
      assertEquals("1", model.info(1).version());
    }
  }

  @Test
  void shouldRefuseAVariantWithoutAPin() {
    String json = "{\"name\": \"m\", \"type\": \"recipe-routed\", \"recipeFeature\": 3, \"variants\": [{\"recipe\": 1,"
        + " \"name\": \"a\", \"resource\": \"models/mfi-pe100-pipe.onnx\", \"driftBound\": 0.03}]}";
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> Models.open(ConfigNode.parse(json, "test"), Path.of(".")));
    assertTrue(e.getMessage().contains("variants[0].sha256: missing"), e.getMessage());
  }
}
