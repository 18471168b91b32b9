package io.aifactory.sdk.testkit.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OnnxModelBuilderTest {
  private static final float[] X = {-2f, -0.5f, 0f, 0.25f, 1f, 3f};
  private static final float[] Y = {1f, 2f, -4f, 0.5f, 8f, -1f};

  @Test
  void shouldComputeElementwiseBinaryOpsWithBroadcasting() throws OrtException {
    checkBinary("Add", (a, b) -> a + b, OnnxModelBuilder::add);
    checkBinary("Sub", (a, b) -> a - b, OnnxModelBuilder::sub);
    checkBinary("Mul", (a, b) -> a * b, OnnxModelBuilder::mul);
    checkBinary("Div", (a, b) -> a / b, OnnxModelBuilder::div);
  }

  private interface BinaryOp {
    String apply(OnnxModelBuilder b, String x, String y);
  }

  private static void checkBinary(String op, BiFunction<Float, Float, Float> reference, BinaryOp node)
      throws OrtException {
    // x: [batch, 3] plus a [3] initializer broadcast along the batch.
    float[] row = {Y[0], Y[1], Y[2]};
    OnnxModelBuilder b = OnnxModelBuilder.create();
    String x = b.input("x", OnnxDataType.FLOAT, Dim.batch(), Dim.of(3));
    String y = node.apply(b, x, b.initializer("row", row, 3));
    OnnxModel model = b.output("y", y, OnnxDataType.FLOAT, Dim.batch(), Dim.of(3)).build();
    float[] out = Ort.run(model, X, 2, 3);
    for (int i = 0; i < X.length; i++) {
      assertEquals(reference.apply(X[i], row[i % 3]), out[i], 1e-6, op + " at " + i);
    }
  }

  @Test
  void shouldComputeActivations() throws OrtException {
    checkUnary("Relu", v -> Math.max(0, v), OnnxModelBuilder::relu);
    checkUnary("Sigmoid", v -> 1 / (1 + Math.exp(-v)), OnnxModelBuilder::sigmoid);
    checkUnary("Tanh", Math::tanh, OnnxModelBuilder::tanh);
    checkUnary("Identity", v -> v, OnnxModelBuilder::identity);
  }

  private static void checkUnary(String op, DoubleUnaryOperator reference,
      BiFunction<OnnxModelBuilder, String, String> node) throws OrtException {
    OnnxModelBuilder b = OnnxModelBuilder.create();
    String x = b.input("x", OnnxDataType.FLOAT, Dim.batch(), Dim.of(6));
    OnnxModel model = b.output("y", node.apply(b, x), OnnxDataType.FLOAT, Dim.batch(), Dim.of(6)).build();
    float[] out = Ort.run(model, X, 1, 6);
    for (int i = 0; i < X.length; i++) {
      assertEquals(reference.applyAsDouble(X[i]), out[i], 1e-6, op + " at " + i);
    }
  }

  @Test
  void shouldComputeMatMulAndGemmWithTransposeAlphaBeta() throws OrtException {
    float[][] w = {{1f, 2f}, {3f, 4f}, {5f, 6f}}; // [3, 2]
    float[] c = {0.5f, -1f};
    OnnxModelBuilder b = OnnxModelBuilder.create();
    String x = b.input("x", OnnxDataType.FLOAT, Dim.batch(), Dim.of(3));
    String matMul = b.matMul(x, b.initializer("W", w));
    // Gemm with B given transposed ([2, 3]), alpha 2, beta 3.
    float[][] wt = {{1f, 3f, 5f}, {2f, 4f, 6f}};
    String gemm = b.gemm(x, b.initializer("Wt", wt), b.initializer("c", c, 2), 2f, 3f, false, true);
    OnnxModel model = b.output("mm", matMul, OnnxDataType.FLOAT, Dim.batch(), Dim.of(2))
        .output("gemm", gemm, OnnxDataType.FLOAT, Dim.batch(), Dim.of(2))
        .build();
    assertEquals(java.util.List.of("mm", "gemm"), model.outputNames());

    try (OrtSession session = Ort.open(model);
        OnnxTensor input = OnnxTensor.createTensor(Ort.ENV, Ort.direct(X), new long[] {2, 3});
        OrtSession.Result result = session.run(Map.of("x", input))) {
      float[] mm = floats((OnnxTensor) result.get("mm").orElseThrow());
      float[] g = floats((OnnxTensor) result.get("gemm").orElseThrow());
      for (int r = 0; r < 2; r++) {
        float[] row = {X[3 * r], X[3 * r + 1], X[3 * r + 2]};
        float[] expected = JavaReference.linear(row, w, new float[2]);
        for (int o = 0; o < 2; o++) {
          assertEquals(expected[o], mm[2 * r + o], 1e-5);
          assertEquals(2 * expected[o] + 3 * c[o], g[2 * r + o], 1e-5);
        }
      }
    }
  }

  @Test
  void shouldReshapeFlattenAndConcat() throws OrtException {
    OnnxModelBuilder b = OnnxModelBuilder.create();
    String x = b.input("x", OnnxDataType.FLOAT, Dim.batch(), Dim.of(2), Dim.of(3));
    String flat = b.flatten(x, 1); // [batch, 6]
    String reshaped = b.reshape(flat, 0, 3, 2); // [batch, 3, 2]
    String back = b.reshape(reshaped, 0, -1); // [batch, 6]
    String both = b.concat(1, flat, back); // [batch, 12]
    OnnxModel model = b.output("y", both, OnnxDataType.FLOAT, Dim.batch(), Dim.of(12)).build();
    float[] out = Ort.run(model, X, 1, 2, 3);
    float[] expected = new float[12];
    System.arraycopy(X, 0, expected, 0, 6);
    System.arraycopy(X, 0, expected, 6, 6);
    assertArrayEquals(expected, out);
  }

  @ParameterizedTest
  @ValueSource(longs = {13, 17, 18})
  void shouldReduceWithAxesEncodedForTheOpset(long opset) throws OrtException {
    OnnxModelBuilder b = OnnxModelBuilder.create().opset(opset);
    String x = b.input("x", OnnxDataType.FLOAT, Dim.batch(), Dim.of(3));
    String sum = b.reduceSum(x, true, 1);
    String mean = b.reduceMean(x, false, 1);
    OnnxModel model = b.output("sum", sum, OnnxDataType.FLOAT, Dim.batch(), Dim.of(1))
        .output("mean", mean, OnnxDataType.FLOAT, Dim.batch())
        .build();
    try (OrtSession session = Ort.open(model);
        OnnxTensor input = OnnxTensor.createTensor(Ort.ENV, Ort.direct(X), new long[] {2, 3});
        OrtSession.Result result = session.run(Map.of("x", input))) {
      OnnxTensor sumTensor = (OnnxTensor) result.get("sum").orElseThrow();
      OnnxTensor meanTensor = (OnnxTensor) result.get("mean").orElseThrow();
      assertArrayEquals(new long[] {2, 1}, sumTensor.getInfo().getShape());
      assertArrayEquals(new long[] {2}, meanTensor.getInfo().getShape());
      float row0 = X[0] + X[1] + X[2];
      float row1 = X[3] + X[4] + X[5];
      assertArrayEquals(new float[] {row0, row1}, floats(sumTensor), 1e-6f);
      assertArrayEquals(new float[] {row0 / 3, row1 / 3}, floats(meanTensor), 1e-6f);
    }
  }

  @Test
  void shouldDescribeInputsOutputsAndMetadataAsOnnxRuntimeReadsThem() throws OrtException {
    OnnxModelBuilder b = OnnxModelBuilder.create()
        .producer("line-3-trainer", "2.4.1")
        .domain("io.aifactory.test")
        .modelVersion(42)
        .docString("spindle anomaly model")
        .graphName("spindle")
        .metadata("recipe", "A-100")
        .metadata("features", "temperature,vibration");
    String x = b.input("window", OnnxDataType.FLOAT, Dim.batch(), Dim.param("time"), Dim.of(4));
    OnnxModel model = b.output("echo", b.identity(x), OnnxDataType.FLOAT,
        Dim.batch(), Dim.param("time"), Dim.of(4)).build();

    try (OrtSession session = Ort.open(model)) {
      OnnxModelMetadata metadata = session.getMetadata();
      assertEquals("line-3-trainer", metadata.getProducerName());
      assertEquals(42, metadata.getVersion());
      assertEquals("io.aifactory.test", metadata.getDomain());
      assertEquals("spindle", metadata.getGraphName());
      assertEquals("A-100", metadata.getCustomMetadataValue("recipe").orElseThrow());
      assertEquals("temperature,vibration", metadata.getCustomMetadata().get("features"));

      NodeInfo input = session.getInputInfo().get("window");
      TensorInfo info = assertInstanceOf(TensorInfo.class, input.getInfo());
      assertEquals(OnnxJavaType.FLOAT, info.type);
      assertArrayEquals(new long[] {-1, -1, 4}, info.getShape());
      assertArrayEquals(new String[] {"batch", "time", ""}, info.getDimensionNames());
      assertEquals(java.util.Set.of("echo"), session.getOutputNames());
    }
  }

  @Test
  void shouldWriteFloat16InputsOutputsAndInitializers() throws OrtException {
    short[] bias = {Fp16Conversions.floatToFp16(0.5f), Fp16Conversions.floatToFp16(-2f)};
    OnnxModelBuilder b = OnnxModelBuilder.create();
    String x = b.input("x", OnnxDataType.FLOAT16, Dim.batch(), Dim.of(2));
    String y = b.add(x, b.initializerFloat16("bias", bias, 2));
    OnnxModel model = b.output("y", y, OnnxDataType.FLOAT16, Dim.batch(), Dim.of(2)).build();

    ShortBuffer in = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).asShortBuffer();
    for (float v : new float[] {1f, 2f, 3f, 4f}) {
      in.put(Fp16Conversions.floatToFp16(v));
    }
    in.flip();
    try (OrtSession session = Ort.open(model);
        OnnxTensor input = OnnxTensor.createTensor(Ort.ENV, in, new long[] {2, 2}, OnnxJavaType.FLOAT16);
        OrtSession.Result result = session.run(Map.of("x", input))) {
      OnnxTensor out = (OnnxTensor) result.get(0);
      assertEquals(OnnxJavaType.FLOAT16, out.getInfo().type);
      ShortBuffer bits = out.getShortBuffer();
      float[] values = new float[4];
      for (int i = 0; i < 4; i++) {
        values[i] = Fp16Conversions.fp16ToFloat(bits.get(i));
      }
      assertArrayEquals(new float[] {1.5f, 0f, 3.5f, 2f}, values);
    }
  }

  @Test
  void shouldRunAModelWithTwoInputs() throws OrtException {
    OnnxModelBuilder b = OnnxModelBuilder.create();
    String x = b.input("x", OnnxDataType.FLOAT, Dim.batch(), Dim.of(3));
    String y = b.input("y", OnnxDataType.FLOAT, Dim.batch(), Dim.of(3));
    OnnxModel model = b.output("z", b.mul(x, y), OnnxDataType.FLOAT, Dim.batch(), Dim.of(3)).build();
    Map<String, Ort.Input> inputs = new LinkedHashMap<>();
    inputs.put("x", new Ort.Input(X, 2, 3));
    inputs.put("y", new Ort.Input(Y, 2, 3));
    float[] out = Ort.run(model, inputs);
    for (int i = 0; i < X.length; i++) {
      assertEquals(X[i] * Y[i], out[i], 1e-6);
    }
  }

  @Test
  void shouldRejectUndefinedValuesAndMismatchedInitializers() {
    OnnxModelBuilder b = OnnxModelBuilder.create();
    b.input("x", OnnxDataType.FLOAT, Dim.batch(), Dim.of(3));
    IllegalArgumentException undefined = assertThrows(IllegalArgumentException.class, () -> b.add("x", "nope"));
    assertEquals("Add: input nope is not defined", undefined.getMessage());
    IllegalArgumentException count =
        assertThrows(IllegalArgumentException.class, () -> b.initializer("w", new float[5], 2, 3));
    assertEquals("w: 5 values for shape [2, 3] (6 elements)", count.getMessage());
    IllegalArgumentException duplicate =
        assertThrows(IllegalArgumentException.class, () -> b.input("x", OnnxDataType.FLOAT, Dim.of(1)));
    assertEquals("name already defined: x", duplicate.getMessage());
    IllegalStateException noOutput = assertThrows(IllegalStateException.class, b::build);
    assertTrue(noOutput.getMessage().contains("no output"));
  }

  static float[] floats(OnnxTensor tensor) {
    java.nio.FloatBuffer buffer = tensor.getFloatBuffer();
    float[] values = new float[buffer.remaining()];
    buffer.get(values);
    return values;
  }
}
