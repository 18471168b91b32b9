package io.aifactory.sdk.testkit.onnx;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Ready-made models for tests and benchmarks, each with a dynamic batch dimension {@code "batch"}, one input
 * named {@code "input"} and one output named {@code "output"} ({@code "score"} for the anomaly model), plus
 * deliberately broken bytes for error tests. {@link JavaReference} computes the same functions in plain Java.
 */
public final class OnnxModels {
  /** Input name of every ready-made model. */
  public static final String INPUT = "input";
  /** Output name of {@link #linear} and {@link #mlp}. */
  public static final String OUTPUT = "output";
  /** Output name of {@link #pcaReconstructionError}. */
  public static final String SCORE = "score";

  private OnnxModels() {}

  /**
   * Returns {@code y = x W + b}: input {@code [batch, in]}, output {@code [batch, out]}, as one Gemm node.
   *
   * @param w weights, {@code [in][out]}
   * @param b bias, {@code [out]}
   */
  public static OnnxModel linear(float[][] w, float[] b) {
    int in = w.length;
    int out = b.length;
    OnnxModelBuilder g = OnnxModelBuilder.create().graphName("linear");
    String x = g.input(INPUT, OnnxDataType.FLOAT, Dim.batch(), Dim.of(in));
    String y = g.gemm(x, g.initializer("W", w), g.initializer("b", b, out));
    return g.output(OUTPUT, y, OnnxDataType.FLOAT, Dim.batch(), Dim.of(out)).build();
  }

  /**
   * Returns a multi-layer perceptron: the input {@code [batch, sampleShape...]} is flattened to
   * {@code [batch, features]}, then each layer computes {@code x W + b}, with Relu between layers and none
   * after the last.
   *
   * @param sampleShape the shape of one sample, without the batch dimension, e.g. {@code {256, 16}}
   * @param weights per layer, {@code [in][out]}
   * @param biases per layer, {@code [out]}
   */
  public static OnnxModel mlp(int[] sampleShape, List<float[][]> weights, List<float[]> biases) {
    if (weights.isEmpty() || weights.size() != biases.size()) {
      throw new IllegalArgumentException(
          "layers: weights=" + weights.size() + " biases=" + biases.size());
    }
    int features = 1;
    Dim[] inputDims = new Dim[sampleShape.length + 1];
    inputDims[0] = Dim.batch();
    for (int i = 0; i < sampleShape.length; i++) {
      features *= sampleShape[i];
      inputDims[i + 1] = Dim.of(sampleShape[i]);
    }
    if (weights.get(0).length != features) {
      throw new IllegalArgumentException("first layer has " + weights.get(0).length
          + " inputs, sample shape " + Arrays.toString(sampleShape) + " has " + features);
    }
    OnnxModelBuilder g = OnnxModelBuilder.create().graphName("mlp");
    String x = g.input(INPUT, OnnxDataType.FLOAT, inputDims);
    if (sampleShape.length != 1) {
      x = g.flatten(x, 1);
    }
    for (int layer = 0; layer < weights.size(); layer++) {
      float[] b = biases.get(layer);
      x = g.add(g.matMul(x, g.initializer("W" + layer, weights.get(layer))), g.initializer("b" + layer, b, b.length));
      if (layer < weights.size() - 1) {
        x = g.relu(x);
      }
    }
    int out = biases.get(biases.size() - 1).length;
    return g.output(OUTPUT, x, OnnxDataType.FLOAT, Dim.batch(), Dim.of(out)).build();
  }

  /**
   * Returns a PCA anomaly model: input {@code [batch, features]}, output {@code score [batch, 1]}, the mean
   * squared error between the standardised sample {@code z = (x - mean) / std} and its reconstruction from
   * the principal components {@code (z C^T) C}.
   *
   * @param components orthonormal rows, {@code [k][features]}
   */
  public static OnnxModel pcaReconstructionError(float[] mean, float[] std, float[][] components) {
    int features = mean.length;
    if (std.length != features || components.length == 0 || components[0].length != features) {
      throw new IllegalArgumentException("features: mean=" + features + " std=" + std.length
          + " components=" + (components.length == 0 ? 0 : components[0].length));
    }
    int k = components.length;
    float[][] transposed = new float[features][k];
    for (int c = 0; c < k; c++) {
      for (int f = 0; f < features; f++) {
        transposed[f][c] = components[c][f];
      }
    }
    OnnxModelBuilder g = OnnxModelBuilder.create().graphName("pca_reconstruction_error");
    String x = g.input(INPUT, OnnxDataType.FLOAT, Dim.batch(), Dim.of(features));
    String z = g.div(g.sub(x, g.initializer("mean", mean, features)), g.initializer("std", std, features));
    String projected = g.matMul(z, g.initializer("components_t", transposed));
    String reconstructed = g.matMul(projected, g.initializer("components", components));
    String error = g.sub(z, reconstructed);
    String score = g.reduceMean(g.mul(error, error), true, 1);
    return g.output(SCORE, score, OnnxDataType.FLOAT, Dim.batch(), Dim.of(1)).build();
  }

  /**
   * Returns a window-scoring PCA model for pipelines: input {@code [batch, rows, features]} (already normalised,
   * as a pipeline's window delivers it), output {@code score [batch, 1]}: the mean over the window's rows of the
   * squared error between each row and its reconstruction from the principal components.
   *
   * @param components orthonormal rows, {@code [k][features]}
   */
  public static OnnxModel pcaWindowError(int rows, float[][] components) {
    int features = components.length == 0 ? 0 : components[0].length;
    if (rows < 1 || features == 0) {
      throw new IllegalArgumentException("rows=" + rows + " features=" + features);
    }
    int k = components.length;
    float[][] transposed = new float[features][k];
    for (int c = 0; c < k; c++) {
      for (int f = 0; f < features; f++) {
        transposed[f][c] = components[c][f];
      }
    }
    OnnxModelBuilder g = OnnxModelBuilder.create().graphName("pca_window_error");
    String z = g.input(INPUT, OnnxDataType.FLOAT, Dim.batch(), Dim.of(rows), Dim.of(features));
    String projected = g.matMul(z, g.initializer("components_t", transposed));
    String reconstructed = g.matMul(projected, g.initializer("components", components));
    String error = g.sub(z, reconstructed);
    String perRow = g.reduceMean(g.mul(error, error), false, 2);
    String score = g.reduceMean(perRow, true, 1);
    return g.output(SCORE, score, OnnxDataType.FLOAT, Dim.batch(), Dim.of(1)).build();
  }

  /** Returns the first half of {@code model}: a truncated protobuf that ONNX Runtime refuses to parse. */
  public static byte[] truncated(OnnxModel model) {
    byte[] bytes = model.bytes();
    return Arrays.copyOf(bytes, bytes.length / 2);
  }

  /** Returns bytes that are not an ONNX model at all (a short text file). */
  public static byte[] notOnnx() {
    return "this is not an ONNX model\n".getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Returns a well-formed protobuf whose graph is invalid (a node reads a value nobody defines), so parsing
   * succeeds and ONNX Runtime's model check fails.
   */
  public static byte[] invalidGraph() {
    ProtoWriter node = new ProtoWriter().string(1, "missing").string(2, "output").string(3, "n").string(4, "Relu");
    ProtoWriter dim = new ProtoWriter().int64(1, 1);
    ProtoWriter type = new ProtoWriter().message(1,
        new ProtoWriter().int64(1, OnnxDataType.FLOAT.code()).message(2, new ProtoWriter().message(1, dim)));
    ProtoWriter graph = new ProtoWriter()
        .message(1, node)
        .string(2, "broken")
        .message(12, new ProtoWriter().string(1, "output").message(2, type));
    return new ProtoWriter()
        .int64(1, 8)
        .message(7, graph)
        .message(8, new ProtoWriter().int64(2, 17))
        .toByteArray();
  }
}
