package io.aifactory.sdk.it.inference;

import static io.aifactory.sdk.it.inference.TestModels.FEATURES;
import static io.aifactory.sdk.it.inference.TestModels.ROWS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.core.pipeline.Model;
import io.aifactory.sdk.core.pipeline.ModelInfo;
import io.aifactory.sdk.core.pipeline.Models;
import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.testkit.onnx.Mlp;
import io.aifactory.sdk.testkit.onnx.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxRuntimeModelProviderTest {
  private static final Mlp MLP = TestModels.windowMlp();
  private static final OnnxModel ONNX = MLP.model();

  @TempDir
  Path configDirectory;

  @BeforeEach
  void writeModel() throws Exception {
    ONNX.writeTo(Files.createDirectories(configDirectory.resolve("models")).resolve("spindle.onnx"));
  }

  /** Opens the first entry of {@code "models"} in an app config, as the app loader would. */
  private Model open(String modelJson) {
    ConfigNode app = ConfigNode.parse("{\"models\": [" + modelJson + "]}", "app.json");
    return Models.open(app.array("models").get(0), configDirectory);
  }

  @Test
  void shouldOpenAPinnedModelRelativeToTheConfigAndRunIt() {
    String json = "{\"name\": \"spindle\", \"type\": \"onnx\", \"path\": \"models/spindle.onnx\", \"sha256\": \""
        + ONNX.sha256().toUpperCase() + "\", \"version\": \"4\", \"providers\": [\"cpu\"], \"intraOpThreads\": 1}";
    try (Model model = open(json);
        TensorBuffer window = TensorBuffer.allocate(ElementType.FLOAT32, 1, ROWS, FEATURES);
        TensorBuffer score = TensorBuffer.allocate(ElementType.FLOAT32, 1, 3)) {
      assertEquals(new ModelInfo("spindle", "4", ONNX.sha256(), "onnxruntime/CPU"), model.info());
      float[] sample = new float[ROWS * FEATURES];
      for (int i = 0; i < sample.length; i++) {
        sample[i] = (i % 7) * 0.25f - 0.5f;
      }
      window.put(0, sample);
      model.run(Map.of("input", window), Map.of("output", score));
      assertArrayEquals(MLP.predict(sample), Tensors.read(score), 1e-4f);
    }
  }

  @Test
  void shouldRefuseAFileThatDoesNotMatchThePinNamingBothHashes() {
    String wrong = ModelSource.sha256Hex(new byte[] {1, 2, 3});
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> open(
        "{\"name\": \"spindle\", \"type\": \"onnx\", \"path\": \"models/spindle.onnx\", \"sha256\": \"" + wrong + "\"}"));
    assertEquals("models[0].sha256", e.path());
    assertTrue(e.getMessage().startsWith("models[0].sha256: model file "), e.getMessage());
    assertTrue(e.getMessage().contains("has SHA-256 " + ONNX.sha256() + ", but the config pins " + wrong),
        e.getMessage());
  }

  @Test
  void shouldRefuseAPinThatIsNotAHash() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> open(
        "{\"name\": \"spindle\", \"type\": \"onnx\", \"path\": \"models/spindle.onnx\", \"sha256\": \"abc\"}"));
    assertEquals("models[0].sha256: sha256 is not 64 hex digits: abc", e.getMessage());
  }

  @Test
  void shouldRefuseAnUnknownFieldNamingItsPath() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> open(
        "{\"name\": \"spindle\", \"type\": \"onnx\", \"path\": \"models/spindle.onnx\", \"threads\": 2}"));
    assertEquals("models[0].threads", e.path());
    assertTrue(e.getMessage().contains("unknown field (expected one of intraOpThreads, name, path, providers, resource,"
        + " sha256, type, version)"), e.getMessage());
  }

  @Test
  void shouldRefuseBothOrNeitherOfPathAndResourceAndAMissingResource() {
    ConfigurationException both = assertThrows(ConfigurationException.class, () -> open(
        "{\"name\": \"spindle\", \"type\": \"onnx\", \"path\": \"models/spindle.onnx\", \"resource\": \"m.onnx\"}"));
    assertTrue(both.getMessage().contains("expected exactly one of path (a file) or resource"), both.getMessage());
    ConfigurationException missing = assertThrows(ConfigurationException.class, () -> open(
        "{\"name\": \"spindle\", \"type\": \"onnx\", \"resource\": \"models/nowhere.onnx\"}"));
    assertEquals("models[0].resource", missing.path());
    assertTrue(missing.getMessage().contains("no model resource 'models/nowhere.onnx' on the class path"),
        missing.getMessage());
  }

  @Test
  void shouldRefuseAMissingFileNamingIt() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> open(
        "{\"name\": \"spindle\", \"type\": \"onnx\", \"path\": \"models/missing.onnx\"}"));
    assertEquals("models[0].path", e.path());
    assertEquals("models[0].path: model file not found: "
        + configDirectory.resolve("models/missing.onnx").toAbsolutePath(), e.getMessage());
  }

  @Test
  void shouldRefuseAnUnknownExecutionProviderListingTheKnownOnes() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> open(
        "{\"name\": \"spindle\", \"type\": \"onnx\", \"path\": \"models/spindle.onnx\", \"providers\": [\"CUDA\", \"TPU\"]}"));
    assertEquals("models[0].providers[1]", e.path());
    assertTrue(e.getMessage().contains("unknown execution provider \"TPU\" (expected one of [CUDA,"), e.getMessage());
  }
}
