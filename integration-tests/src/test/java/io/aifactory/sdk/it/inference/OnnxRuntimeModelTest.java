package io.aifactory.sdk.it.inference;

import static io.aifactory.sdk.it.inference.TestModels.FEATURES;
import static io.aifactory.sdk.it.inference.TestModels.ROWS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.core.pipeline.Model;
import io.aifactory.sdk.core.pipeline.ModelInfo;
import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.inference.InferenceOptions;
import io.aifactory.sdk.inference.InferenceSession;
import io.aifactory.sdk.inference.ModelRegistry;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.OnnxRuntimeModel;
import io.aifactory.sdk.testkit.onnx.Dim;
import io.aifactory.sdk.testkit.onnx.Mlp;
import io.aifactory.sdk.testkit.onnx.OnnxDataType;
import io.aifactory.sdk.testkit.onnx.OnnxModel;
import io.aifactory.sdk.testkit.onnx.OnnxModelBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OnnxRuntimeModelTest {
  private static final Mlp MLP = TestModels.windowMlp();
  private static final OnnxModel ONNX = MLP.model();

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private <T extends AutoCloseable> T track(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  private OnnxRuntimeModel openMlp() {
    return track(OnnxRuntimeModel.open("spindle", "7", ModelSource.ofBytes("spindle.onnx", ONNX.bytes()),
        InferenceOptions.newBuilder().intraOpThreads(1).build()));
  }

  @Test
  void shouldScoreABatchOfMachinesLikeTheJavaReference() {
    Model model = openMlp();
    int machines = 3;
    TensorBuffer windows = track(TensorBuffer.allocate(ElementType.FLOAT32, machines, ROWS, FEATURES));
    TensorBuffer scores = track(TensorBuffer.allocate(ElementType.FLOAT32, machines, 3));
    float[] values = new float[machines * ROWS * FEATURES];
    Random random = new Random(2);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    windows.put(0, values);
    Map<String, TensorBuffer> inputs = Map.of("input", windows);
    Map<String, TensorBuffer> outputs = Map.of("output", scores);

    model.check(inputs, outputs);
    model.run(inputs, outputs);

    for (int m = 0; m < machines; m++) {
      float[] sample = Arrays.copyOfRange(values, m * ROWS * FEATURES, (m + 1) * ROWS * FEATURES);
      assertArrayEquals(MLP.predict(sample), Tensors.row(scores, m), 1e-4f, "machine " + m);
    }
  }

  @Test
  void shouldDescribeItselfByNameVersionHashAndProvider() {
    ModelInfo info = openMlp().info();
    assertEquals(new ModelInfo("spindle", "7", ONNX.sha256(), "onnxruntime/CPU"), info);
  }

  @Test
  void shouldTakeTheVersionFromMetadataPropsThenTheCallerThenModelVersion() {
    assertEquals("2.1-rc", infoOf(withMetadata(b -> b.modelVersion(12).metadata("version", "2.1-rc")), "1").version(),
        "metadata_props version, written on purpose, wins");
    assertEquals("1", infoOf(withMetadata(b -> b.modelVersion(12)), "1").version(),
        "the caller's version before model_version, an integer with defaults");
    assertEquals("12", infoOf(withMetadata(b -> b.modelVersion(12)), "").version(), "model_version if nothing else");
    assertEquals("", infoOf(withMetadata(OnnxModelBuilder::withoutModelVersion), "").version(),
        "no model_version is no version, not ONNX Runtime's 'none' value");
  }

  private ModelInfo infoOf(OnnxModel onnx, String version) {
    return track(OnnxRuntimeModel.open("m", version, ModelSource.ofBytes("m.onnx", onnx.bytes()),
        InferenceOptions.defaults())).info();
  }

  private static OnnxModel withMetadata(java.util.function.Consumer<OnnxModelBuilder> metadata) {
    OnnxModelBuilder b = OnnxModelBuilder.create();
    metadata.accept(b);
    String x = b.input("input", OnnxDataType.FLOAT, Dim.batch(), Dim.of(4));
    return b.output("output", b.identity(x), OnnxDataType.FLOAT, Dim.batch(), Dim.of(4)).build();
  }

  @Test
  void shouldRejectAWrongFeatureCountNamingTheTensorAndBothShapes() {
    Model model = openMlp();
    TensorBuffer windows = track(TensorBuffer.allocate(ElementType.FLOAT32, 3, ROWS, FEATURES - 1));
    TensorBuffer scores = track(TensorBuffer.allocate(ElementType.FLOAT32, 3, 3));

    InferenceException e = assertThrows(InferenceException.class,
        () -> model.check(Map.of("input", windows), Map.of("output", scores)));
    assertEquals("model spindle.onnx: input \"input\": expected FLOAT32 [batch, 16, 8], given FLOAT32 [3, 16, 7]",
        e.getMessage());
  }

  @Test
  void shouldRejectAWrongOutputNameListingTheModelsOutputs() {
    Model model = openMlp();
    TensorBuffer windows = track(TensorBuffer.allocate(ElementType.FLOAT32, 3, ROWS, FEATURES));
    TensorBuffer scores = track(TensorBuffer.allocate(ElementType.FLOAT32, 3, 3));

    InferenceException e = assertThrows(InferenceException.class,
        () -> model.check(Map.of("input", windows), Map.of("score", scores)));
    assertEquals("model spindle.onnx: unknown output \"score\"; the model's outputs are [output]", e.getMessage());
  }

  @Test
  void shouldRejectAnOutputWhoseBatchDiffersFromTheInputs() {
    Model model = openMlp();
    TensorBuffer windows = track(TensorBuffer.allocate(ElementType.FLOAT32, 3, ROWS, FEATURES));
    TensorBuffer scores = track(TensorBuffer.allocate(ElementType.FLOAT32, 2, 3));

    InferenceException e = assertThrows(InferenceException.class,
        () -> model.check(Map.of("input", windows), Map.of("output", scores)));
    assertTrue(e.getMessage().contains("output \"output\": expected FLOAT32 [batch, 3] with batch=3 from the inputs,"
        + " given FLOAT32 [2, 3]"), e.getMessage());
  }

  @Test
  void shouldLeaveAWrappedSessionToItsOwnerAndCloseAnOpenedOne() {
    InferenceSession session = track(InferenceSession.open(ModelSource.ofBytes("spindle.onnx", ONNX.bytes())));
    TensorBuffer windows = track(TensorBuffer.allocate(ElementType.FLOAT32, 1, ROWS, FEATURES));
    TensorBuffer scores = track(TensorBuffer.allocate(ElementType.FLOAT32, 1, 3));
    Map<String, TensorBuffer> inputs = Map.of("input", windows);
    Map<String, TensorBuffer> outputs = Map.of("output", scores);

    OnnxRuntimeModel wrapped = OnnxRuntimeModel.wrap("spindle", "7", session);
    wrapped.close();
    session.run(inputs, outputs); // still open

    OnnxRuntimeModel opened = openMlp();
    opened.close();
    InferenceException e = assertThrows(InferenceException.class, () -> opened.run(inputs, outputs));
    assertEquals("model spindle.onnx: session is closed", e.getMessage());
  }

  @Test
  void shouldFollowARegistryRouteAcrossAHotSwap() {
    ModelRegistry registry = track(ModelRegistry.create());
    registry.deploy("offset", "1", ModelSource.ofBytes("offset-v1.onnx", TestModels.addOffset(1).bytes()));
    registry.route("recipe-A", "offset");
    Model model = track(OnnxRuntimeModel.routed(registry, "recipe-A"));
    TensorBuffer in = track(TensorBuffer.allocate(ElementType.FLOAT32, 2, 4));
    TensorBuffer out = track(TensorBuffer.allocate(ElementType.FLOAT32, 2, 4));
    Map<String, TensorBuffer> inputs = Map.of("input", in);
    Map<String, TensorBuffer> outputs = Map.of("output", out);

    model.check(inputs, outputs);
    model.run(inputs, outputs);
    assertEquals(1f, out.getFloat(0));
    assertEquals("offset:1", model.info().name() + ":" + model.info().version());

    registry.deploy("offset", "2", ModelSource.ofBytes("offset-v2.onnx", TestModels.addOffset(2).bytes()));
    model.run(inputs, outputs); // the same model object, now on version 2
    assertEquals(2f, out.getFloat(0));
    assertEquals(new ModelInfo("offset", "2", TestModels.addOffset(2).sha256(), "onnxruntime/CPU"), model.info());
  }
}
