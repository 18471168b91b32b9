package io.aifactory.sdk.it.inference;

import io.aifactory.sdk.testkit.onnx.Dim;
import io.aifactory.sdk.testkit.onnx.Mlp;
import io.aifactory.sdk.testkit.onnx.OnnxDataType;
import io.aifactory.sdk.testkit.onnx.OnnxModel;
import io.aifactory.sdk.testkit.onnx.OnnxModelBuilder;
import io.aifactory.sdk.testkit.onnx.OnnxModels;
import io.aifactory.sdk.testkit.onnx.Pca;
import java.util.Random;

/** The models these tests run, built with the testkit's ONNX builder. */
final class TestModels {
  static final int FEATURES = 8;
  /** Rows of the time windows {@link #windowMlp()} scores. */
  static final int ROWS = 16;

  private TestModels() {}

  /** A PCA anomaly model over {@link #FEATURES} features fitted on correlated data. */
  static Pca pca() {
    Random random = new Random(3);
    float[][] loadings = Tensors.random(new Random(4), 2, FEATURES);
    float[][] samples = new float[300][FEATURES];
    for (float[] row : samples) {
      double a = random.nextGaussian();
      double b = random.nextGaussian();
      for (int f = 0; f < FEATURES; f++) {
        row[f] = (float) (5 + f + a * loadings[0][f] + b * loadings[1][f] + 0.05 * random.nextGaussian());
      }
    }
    return Pca.fit(samples, 2);
  }

  /** An MLP over windows {@code [batch, ROWS, FEATURES]} to {@code [batch, 3]}, with a Java reference. */
  static Mlp windowMlp() {
    return Mlp.random(11, new int[] {ROWS, FEATURES}, 6, 3);
  }

  /** {@code output = input + offset}: input and output {@code [batch, 4]}; the offset tells versions apart. */
  static OnnxModel addOffset(float offset) {
    return OnnxModels.linear(identity(4), new float[] {offset, offset, offset, offset});
  }

  /** The same function as {@link #addOffset} without a dynamic batch: input {@code [1, 4]}. */
  static OnnxModel fixedBatch() {
    OnnxModelBuilder b = OnnxModelBuilder.create();
    String x = b.input("input", OnnxDataType.FLOAT, Dim.of(1), Dim.of(4));
    return b.output("output", b.identity(x), OnnxDataType.FLOAT, Dim.of(1), Dim.of(4)).build();
  }

  static float[][] identity(int n) {
    float[][] m = new float[n][n];
    for (int i = 0; i < n; i++) {
      m[i][i] = 1;
    }
    return m;
  }
}
