package io.aifactory.sdk.testkit.onnx;

import java.util.List;

/**
 * The functions of {@link OnnxModels}, computed row by row in plain Java (double accumulators), to check what
 * a runtime returns.
 */
public final class JavaReference {
  private JavaReference() {}

  /** Returns {@code x W + b} for one row. */
  public static float[] linear(float[] x, float[][] w, float[] b) {
    if (x.length != w.length) {
      throw new IllegalArgumentException("x.length != w.length: " + x.length + " != " + w.length);
    }
    float[] y = new float[b.length];
    for (int o = 0; o < b.length; o++) {
      double sum = b[o];
      for (int i = 0; i < x.length; i++) {
        sum += (double) x[i] * w[i][o];
      }
      y[o] = (float) sum;
    }
    return y;
  }

  /** Returns the MLP of {@link OnnxModels#mlp} for one flattened sample. */
  public static float[] mlp(float[] sample, List<float[][]> weights, List<float[]> biases) {
    float[] x = sample;
    for (int layer = 0; layer < weights.size(); layer++) {
      x = linear(x, weights.get(layer), biases.get(layer));
      if (layer < weights.size() - 1) {
        for (int i = 0; i < x.length; i++) {
          x[i] = Math.max(0f, x[i]);
        }
      }
    }
    return x;
  }

  /** Returns the reconstruction error of {@link OnnxModels#pcaReconstructionError} for one sample. */
  public static float pcaReconstructionError(float[] x, float[] mean, float[] std, float[][] components) {
    int features = mean.length;
    double[] z = new double[features];
    for (int f = 0; f < features; f++) {
      z[f] = ((double) x[f] - mean[f]) / std[f];
    }
    double[] reconstructed = new double[features];
    for (float[] component : components) {
      double projection = 0;
      for (int f = 0; f < features; f++) {
        projection += z[f] * component[f];
      }
      for (int f = 0; f < features; f++) {
        reconstructed[f] += projection * component[f];
      }
    }
    double sum = 0;
    for (int f = 0; f < features; f++) {
      double e = z[f] - reconstructed[f];
      sum += e * e;
    }
    return (float) (sum / features);
  }
}
