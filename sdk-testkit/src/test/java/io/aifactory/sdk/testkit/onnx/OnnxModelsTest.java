package io.aifactory.sdk.testkit.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelsTest {
  private static final double TOLERANCE = 1e-5;

  @Test
  void shouldRunLinearModelLikeTheJavaReference() throws OrtException {
    Random random = new Random(1);
    float[][] w = randomMatrix(random, 5, 3);
    float[] b = {0.1f, -0.2f, 0.3f};
    OnnxModel model = OnnxModels.linear(w, b);
    for (int batch : new int[] {1, 7}) {
      float[][] x = randomMatrix(random, batch, 5);
      float[] out = Ort.run(model, flatten(x), batch, 5);
      assertEquals(batch * 3, out.length);
      for (int r = 0; r < batch; r++) {
        assertClose(JavaReference.linear(x[r], w, b), out, r * 3);
      }
    }
  }

  @Test
  void shouldRunMlpOverFlattenedSamplesLikeTheJavaReference() throws OrtException {
    Mlp mlp = Mlp.random(7, new int[] {256, 16}, 64, 1);
    OnnxModel model = mlp.model();
    Random random = new Random(2);
    int batch = 3;
    float[][] x = randomMatrix(random, batch, mlp.sampleSize());
    float[] out = Ort.run(model, flatten(x), batch, 256, 16);
    assertEquals(batch, out.length);
    for (int r = 0; r < batch; r++) {
      assertClose(mlp.predict(x[r]), out, r);
    }
  }

  @Test
  void shouldRunVectorMlpWithHiddenRelu() throws OrtException {
    Mlp mlp = Mlp.random(3, new int[] {4}, 8, 8, 2);
    Random random = new Random(5);
    float[][] x = randomMatrix(random, 4, 4);
    float[] out = Ort.run(mlp.model(), flatten(x), 4, 4);
    for (int r = 0; r < 4; r++) {
      assertClose(mlp.predict(x[r]), out, r * 2);
    }
  }

  @Test
  void shouldFitPcaWhoseOnnxScoreMatchesJavaAndFlagsAnomalies() throws OrtException {
    int features = 16;
    float[][] training = correlatedSamples(new Random(11), 500, features);
    Pca pca = Pca.fit(training, 3);

    float[][] c = pca.components();
    for (int i = 0; i < c.length; i++) {
      for (int j = 0; j < c.length; j++) {
        double dot = 0;
        for (int f = 0; f < features; f++) {
          dot += (double) c[i][f] * c[j][f];
        }
        assertEquals(i == j ? 1.0 : 0.0, dot, 1e-5, "components " + i + "·" + j);
      }
    }

    float[][] normal = correlatedSamples(new Random(12), 20, features);
    float[] anomaly = normal[0].clone();
    anomaly[3] += 25f; // breaks the correlation structure the model learnt
    float[][] batch = new float[21][];
    System.arraycopy(normal, 0, batch, 0, 20);
    batch[20] = anomaly;

    OnnxModel model = pca.model();
    assertEquals("score", model.outputName());
    float[] scores = Ort.run(model, flatten(batch), 21, features);
    assertEquals(21, scores.length);
    float maxNormal = 0;
    for (int r = 0; r < 21; r++) {
      float expected = pca.score(batch[r]);
      assertEquals(expected, scores[r], TOLERANCE * Math.max(1, Math.abs(expected)), "row " + r);
      if (r < 20) {
        maxNormal = Math.max(maxNormal, scores[r]);
      }
    }
    assertTrue(scores[20] > 10 * maxNormal, "anomaly " + scores[20] + " vs normal max " + maxNormal);
  }

  @Test
  void shouldProduceBytesOnnxRuntimeRejects(@TempDir Path dir) throws Exception {
    OnnxModel model = OnnxModels.linear(new float[][] {{1f}}, new float[] {0f});
    assertThrows(OrtException.class, () -> Ort.ENV.createSession(OnnxModels.truncated(model)).close());
    assertThrows(OrtException.class, () -> Ort.ENV.createSession(OnnxModels.notOnnx()).close());
    assertThrows(OrtException.class, () -> Ort.ENV.createSession(OnnxModels.invalidGraph()).close());

    Path file = model.writeTo(dir.resolve("linear.onnx"));
    assertEquals(model.size(), Files.size(file));
    Ort.ENV.createSession(file.toString()).close();
    assertEquals(64, model.sha256().length());
  }

  /** Rows driven by two latent factors plus a little noise, so a few components explain them. */
  static float[][] correlatedSamples(Random random, int rows, int features) {
    float[][] loadings = randomMatrix(new Random(99), 2, features);
    float[][] x = new float[rows][features];
    for (int r = 0; r < rows; r++) {
      double a = random.nextGaussian();
      double b = random.nextGaussian();
      for (int f = 0; f < features; f++) {
        x[r][f] = (float) (10 + f + 3 * (a * loadings[0][f] + b * loadings[1][f]) + 0.05 * random.nextGaussian());
      }
    }
    return x;
  }

  static float[][] randomMatrix(Random random, int rows, int columns) {
    float[][] m = new float[rows][columns];
    for (float[] row : m) {
      for (int c = 0; c < columns; c++) {
        row[c] = random.nextFloat() * 2 - 1;
      }
    }
    return m;
  }

  static float[] flatten(float[][] rows) {
    int columns = rows[0].length;
    float[] flat = new float[rows.length * columns];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * columns, columns);
    }
    return flat;
  }

  private static void assertClose(float[] expected, float[] actual, int offset) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[offset + i], TOLERANCE * Math.max(1, Math.abs(expected[i])),
          "element " + (offset + i));
    }
  }
}
