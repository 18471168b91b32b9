package io.aifactory.sdk.it.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.inference.InferenceResult;
import io.aifactory.sdk.inference.InferenceSession;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.testkit.onnx.Dim;
import io.aifactory.sdk.testkit.onnx.JavaReference;
import io.aifactory.sdk.testkit.onnx.OnnxDataType;
import io.aifactory.sdk.testkit.onnx.OnnxModel;
import io.aifactory.sdk.testkit.onnx.OnnxModelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models as exporters write them: weights in a file beside the model, large files, metadata left out. */
class InferenceModelFileTest {

  @Test
  void shouldOpenAModelWhoseWeightsLiveInAFileBesideIt(@TempDir Path dir) throws Exception {
    float[][] w = Tensors.random(new Random(7), 4, 3);
    float[] b = {0.5f, -1f, 2f};
    OnnxModelBuilder g = OnnxModelBuilder.create().externalData("linear.weights");
    String x = g.input("x", OnnxDataType.FLOAT, Dim.batch(), Dim.of(4));
    String y = g.gemm(x, g.initializer("W", w), g.initializer("b", b, 3));
    OnnxModel model = g.output("y", y, OnnxDataType.FLOAT, Dim.batch(), Dim.of(3)).build();
    Path file = model.writeTo(dir.resolve("linear.onnx"));
    assertEquals(4 * (12 + 3), Files.size(dir.resolve("linear.weights")), "weights are outside the model");

    float[][] rows = Tensors.random(new Random(8), 5, 4);
    try (InferenceSession session = InferenceSession.open(ModelSource.ofPath(file).pinnedTo(model.sha256()));
        TensorBuffer in = Tensors.of(rows);
        InferenceResult result = session.run(Map.of("x", in))) {
      TensorBuffer out = result.get("y");
      for (int r = 0; r < rows.length; r++) {
        float[] expected = JavaReference.linear(rows[r], w, b);
        for (int j = 0; j < 3; j++) {
          assertEquals(expected[j], out.getFloat(r * 3 + j), 1e-5, "row " + r + " column " + j);
        }
      }
      assertEquals(model.sha256(), session.description().sha256(), "the pin and the description hash the model file");
    }
  }

  @Test
  void shouldOpenAModerateModelFromItsFileWithoutHoldingTheFileOnTheHeap(@TempDir Path dir) throws Exception {
    java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
    org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    float[][] w = Tensors.random(new Random(9), 1024, 2048); // 8 MB of weights inside the model
    float[] b = new float[2048];
    OnnxModel model = io.aifactory.sdk.testkit.onnx.OnnxModels.linear(w, b);
    Path file = model.writeTo(dir.resolve("wide.onnx"));
    ModelSource source = ModelSource.ofPath(file).pinnedTo(model.sha256());
    InferenceSession.open(ModelSource.ofPath(TestModels.addOffset(1).writeTo(dir.resolve("small.onnx")))).close();

    long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
    try (InferenceSession session = InferenceSession.open(source)) {
      long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
      assertTrue(allocated < model.size() / 4, "allocated " + allocated + " bytes to open a model of " + model.size());
      assertEquals(model.sha256(), session.description().sha256());
      float[][] row = Tensors.random(new Random(10), 1, 1024);
      try (TensorBuffer in = Tensors.of(row);
          InferenceResult result = session.run(Map.of(model.inputName(), in))) {
        float[] expected = JavaReference.linear(row[0], w, b);
        TensorBuffer out = result.get(model.outputName());
        for (int j = 0; j < expected.length; j += 97) {
          assertEquals(expected[j], out.getFloat(j), 1e-3, "column " + j);
        }
      }
    }
  }

  @Test
  void shouldSayAModelWithoutModelVersionHasNoneAndKeepAnExplicitZero() {
    assertEquals(java.util.OptionalLong.empty(), modelVersionOf(OnnxModelBuilder.create().withoutModelVersion()));
    assertEquals(java.util.OptionalLong.of(0), modelVersionOf(OnnxModelBuilder.create().modelVersion(0)));
  }

  private static java.util.OptionalLong modelVersionOf(OnnxModelBuilder b) {
    String x = b.input("x", OnnxDataType.FLOAT, Dim.batch(), Dim.of(2));
    OnnxModel model = b.output("y", b.identity(x), OnnxDataType.FLOAT, Dim.batch(), Dim.of(2)).build();
    try (InferenceSession session = InferenceSession.open(ModelSource.ofBytes("m.onnx", model.bytes()))) {
      return session.description().metadata().modelVersion();
    }
  }
}
