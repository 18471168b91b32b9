package io.aifactory.sdk.testkit.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** An MLP with seeded random weights, as an ONNX model and as a Java reference. Immutable. */
public final class Mlp {
  private final int[] sampleShape;
  private final List<float[][]> weights;
  private final List<float[]> biases;

  private Mlp(int[] sampleShape, List<float[][]> weights, List<float[]> biases) {
    this.sampleShape = sampleShape;
    this.weights = weights;
    this.biases = biases;
  }

  /**
   * Returns an MLP over samples of {@code sampleShape} with layers of the given widths, weights drawn from a
   * seeded uniform distribution scaled by {@code 1/sqrt(fan-in)} so activations stay near unit size.
   * {@code random(7, new int[] {256, 16}, 64, 1)} is the 256×16 → 64 → 1 benchmark model.
   */
  public static Mlp random(long seed, int[] sampleShape, int... widths) {
    if (widths.length == 0) {
      throw new IllegalArgumentException("widths is empty");
    }
    Random random = new Random(seed);
    int in = 1;
    for (int d : sampleShape) {
      in *= d;
    }
    List<float[][]> weights = new ArrayList<>();
    List<float[]> biases = new ArrayList<>();
    for (int width : widths) {
      float scale = (float) (1.0 / Math.sqrt(in));
      float[][] w = new float[in][width];
      for (float[] row : w) {
        for (int o = 0; o < width; o++) {
          row[o] = (random.nextFloat() * 2 - 1) * scale;
        }
      }
      float[] b = new float[width];
      for (int o = 0; o < width; o++) {
        b[o] = (random.nextFloat() * 2 - 1) * 0.1f;
      }
      weights.add(w);
      biases.add(b);
      in = width;
    }
    return new Mlp(sampleShape.clone(), List.copyOf(weights), List.copyOf(biases));
  }

  /** Returns the shape of one sample, without the batch dimension. */
  public int[] sampleShape() {
    return sampleShape.clone();
  }

  /** Returns the number of values in one sample. */
  public int sampleSize() {
    int size = 1;
    for (int d : sampleShape) {
      size *= d;
    }
    return size;
  }

  /** Returns the width of the output. */
  public int outputSize() {
    return biases.get(biases.size() - 1).length;
  }

  public OnnxModel model() {
    return OnnxModels.mlp(sampleShape, weights, biases);
  }

  /** Returns the outputs for one flattened sample. */
  public float[] predict(float[] sample) {
    if (sample.length != sampleSize()) {
      throw new IllegalArgumentException("sample.length != " + sampleSize() + ": " + sample.length
          + " (sample shape " + Arrays.toString(sampleShape) + ")");
    }
    return JavaReference.mlp(sample, weights, biases);
  }
}
