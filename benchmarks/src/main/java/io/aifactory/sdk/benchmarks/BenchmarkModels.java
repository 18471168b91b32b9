package io.aifactory.sdk.benchmarks;

import io.aifactory.sdk.testkit.onnx.Mlp;
import io.aifactory.sdk.testkit.onnx.OnnxModel;
import io.aifactory.sdk.testkit.onnx.Pca;
import java.util.Random;

/** The models the inference benchmarks share, each with the shape of one sample. */
public enum BenchmarkModels {
  /** A 256×16-input MLP, 4096 → 64 → 1. */
  MLP(new int[] {256, 16}) {
    @Override
    OnnxModel build() {
      return Mlp.random(7, sampleShape, 64, 1).model();
    }
  },
  /** The PCA anomaly model, 64 features → 8 components → reconstruction error. */
  PCA(new int[] {64}) {
    @Override
    OnnxModel build() {
      Random random = new Random(5);
      float[][] loadings = new float[8][64];
      for (float[] row : loadings) {
        for (int f = 0; f < 64; f++) {
          row[f] = (float) random.nextGaussian();
        }
      }
      float[][] samples = new float[1000][64];
      for (float[] row : samples) {
        double[] factors = new double[8];
        for (int k = 0; k < 8; k++) {
          factors[k] = random.nextGaussian();
        }
        for (int f = 0; f < 64; f++) {
          double v = 0.1 * random.nextGaussian();
          for (int k = 0; k < 8; k++) {
            v += factors[k] * loadings[k][f];
          }
          row[f] = (float) v;
        }
      }
      return Pca.fit(samples, 8).model();
    }
  };

  final int[] sampleShape;

  BenchmarkModels(int[] sampleShape) {
    this.sampleShape = sampleShape;
  }

  abstract OnnxModel build();

  int sampleSize() {
    int n = 1;
    for (int d : sampleShape) {
      n *= d;
    }
    return n;
  }

  long[] shape(int batch) {
    long[] shape = new long[sampleShape.length + 1];
    shape[0] = batch;
    for (int i = 0; i < sampleShape.length; i++) {
      shape[i + 1] = sampleShape[i];
    }
    return shape;
  }
}
