package io.aifactory.sdk.benchmarks;

import io.aifactory.sdk.testkit.onnx.OnnxModel;
import io.aifactory.sdk.testkit.onnx.OnnxModels;
import io.aifactory.sdk.testkit.onnx.Pca;
import java.util.Random;

/**
 * A line of identical machines with {@link #FEATURES} correlated signals each (three hidden drivers plus noise, as
 * speed drives current and temperature), and the window model the pipeline benchmarks score them with: the PCA
 * reconstruction error of a {@code [rows, FEATURES]} window ({@link OnnxModels#pcaWindowError}), fitted on this data.
 * Deterministic, so every path of a benchmark sees the same rows.
 */
final class LineData {
  static final int FEATURES = 8;
  static final int ROWS = 32;
  private static final int DRIVERS = 3;

  private final float[][] loadings = new float[DRIVERS][FEATURES];
  private final float[] offsets = new float[FEATURES];
  final Pca pca;

  LineData() {
    Random random = new Random(11);
    for (float[] l : loadings) {
      for (int f = 0; f < FEATURES; f++) {
        l[f] = (float) random.nextGaussian();
      }
    }
    for (int f = 0; f < FEATURES; f++) {
      offsets[f] = 50 + 10 * f; // PLC values are not centred: the window's normalisation has work to do
    }
    float[][] training = new float[1000][];
    for (int i = 0; i < training.length; i++) {
      training[i] = row(i % 64, i);
    }
    pca = Pca.fit(training, DRIVERS);
  }

  /** Returns machine {@code m}'s row at {@code tick}: slow drivers, a little noise, distinct per machine. */
  float[] row(int m, long tick) {
    Random noise = new Random(31 * tick + m);
    float[] row = new float[FEATURES];
    for (int d = 0; d < DRIVERS; d++) {
      double driver = Math.sin(0.05 * tick + 0.7 * m + 2.1 * d);
      for (int f = 0; f < FEATURES; f++) {
        row[f] += (float) (driver * loadings[d][f]);
      }
    }
    for (int f = 0; f < FEATURES; f++) {
      row[f] += offsets[f] + (float) (0.05 * noise.nextGaussian());
    }
    return row;
  }

  OnnxModel windowModel() {
    return OnnxModels.pcaWindowError(ROWS, pca.components());
  }

  double[] mean() {
    return doubles(pca.mean());
  }

  double[] std() {
    return doubles(pca.std());
  }

  private static double[] doubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
