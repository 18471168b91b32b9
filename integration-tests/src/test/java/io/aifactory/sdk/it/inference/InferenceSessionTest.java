package io.aifactory.sdk.it.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.core.tensor.TensorPool;
import io.aifactory.sdk.inference.ExecutionProvider;
import io.aifactory.sdk.inference.GraphOptimizationLevel;
import io.aifactory.sdk.inference.InferenceOptions;
import io.aifactory.sdk.inference.InferenceResult;
import io.aifactory.sdk.inference.InferenceSession;
import io.aifactory.sdk.inference.MetricsListener;
import io.aifactory.sdk.inference.ModelDescription;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.SessionBinding;
import io.aifactory.sdk.inference.SessionMetrics;
import io.aifactory.sdk.inference.TensorSpec;
import io.aifactory.sdk.testkit.onnx.Dim;
import io.aifactory.sdk.testkit.onnx.OnnxAttribute;
import io.aifactory.sdk.testkit.onnx.OnnxDataType;
import io.aifactory.sdk.testkit.onnx.OnnxModel;
import io.aifactory.sdk.testkit.onnx.OnnxModelBuilder;
import io.aifactory.sdk.testkit.onnx.OnnxModels;
import io.aifactory.sdk.testkit.onnx.Pca;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceSessionTest {
  private static final Pca PCA = TestModels.pca();
  private static final OnnxModel MODEL = PCA.model();

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private InferenceSession session;

  @BeforeEach
  void open() {
    session = track(InferenceSession.open(ModelSource.ofBytes("pca.onnx", MODEL.bytes())));
  }

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

  private TensorBuffer floats(long... shape) {
    return track(TensorBuffer.allocate(ElementType.FLOAT32, shape));
  }

  @Test
  void shouldDescribeInputsOutputsWithSymbolicDimsAndMetadata() {
    OnnxModelBuilder b = OnnxModelBuilder.create()
        .producer("line-7-trainer", "2.4.1")
        .modelVersion(12)
        .metadata("recipe", "A-100")
        .metadata("features", "temperature,vibration");
    String x = b.input("window", OnnxDataType.FLOAT, Dim.batch(), Dim.param("time"), Dim.of(2));
    OnnxModel model = b.output("echo", b.identity(x), OnnxDataType.FLOAT, Dim.batch(), Dim.param("time"),
        Dim.of(2)).build();
    try (InferenceSession s = InferenceSession.open(ModelSource.ofBytes("echo.onnx", model.bytes()))) {
      ModelDescription d = s.description();
      TensorSpec window = d.input("window").orElseThrow();
      assertEquals(ElementType.FLOAT32, window.elementType());
      assertArrayEquals(new long[] {-1, -1, 2}, window.shape());
      assertArrayEquals(new String[] {"batch", "time", ""}, window.dimensionNames());
      assertEquals("[batch, time, 2]", window.shapeString());
      assertTrue(window.hasDynamicBatch());
      assertEquals("echo", d.outputs().get(0).name());
      assertEquals("line-7-trainer", d.metadata().producerName());
      assertEquals("2.4.1", d.metadata().producerVersion());
      assertEquals(java.util.OptionalLong.of(12), d.metadata().modelVersion());
      assertEquals(8, d.metadata().irVersion());
      assertEquals(17, d.metadata().opsetVersion());
      assertEquals(Map.of("recipe", "A-100", "features", "temperature,vibration"), d.metadata().custom());
      assertEquals(model.sha256(), d.sha256());
      assertEquals("echo.onnx", d.source());
      assertEquals(ExecutionProvider.CPU, s.activeProvider());
    }
  }

  @Test
  void shouldWritePinnedOutputsThatMatchTheJavaReference() {
    float[][] rows = Tensors.random(new Random(1), 5, TestModels.FEATURES);
    TensorBuffer input = track(Tensors.of(rows));
    TensorBuffer score = floats(5, 1);
    for (int i = 0; i < 5; i++) {
      score.putFloat(i, Float.NaN);
    }
    session.run(Map.of("input", input), Map.of("score", score));
    for (int r = 0; r < 5; r++) {
      assertEquals(PCA.score(rows[r]), score.getFloat(r), 1e-5 * Math.max(1, PCA.score(rows[r])));
    }
  }

  @Test
  void shouldReadInputMemoryInPlaceAndWriteOutputMemoryInPlace() {
    TensorBuffer input = track(Tensors.of(Tensors.random(new Random(2), 1, TestModels.FEATURES)));
    TensorBuffer score = floats(1, 1);
    try (SessionBinding binding = session.bind(Map.of("input", input), Map.of("score", score))) {
      binding.run();
      float before = score.getFloat(0);
      assertEquals(PCA.score(Tensors.read(input)), before, 1e-5 * Math.max(1, before));

      // Write new values straight into our memory after binding: if ONNX Runtime had copied the input when
      // it was wrapped, the next run would still see the old values.
      float[] changed = Tensors.random(new Random(3), 1, TestModels.FEATURES)[0];
      changed[0] += 50;
      input.put(0, changed);
      binding.run();
      float after = score.getFloat(0);
      assertNotEquals(before, after);
      assertEquals(PCA.score(changed), after, 1e-5 * Math.max(1, after));
    }
  }

  @Test
  void shouldSeeNewValuesWrittenIntoTheSameTensorsBetweenRuns() {
    TensorBuffer input = floats(2, TestModels.FEATURES);
    TensorBuffer score = floats(2, 1);
    Random random = new Random(6);
    for (int i = 0; i < 5; i++) {
      float[][] rows = Tensors.random(random, 2, TestModels.FEATURES);
      input.put(0, rows[0]);
      input.put(TestModels.FEATURES, rows[1]);
      session.run(Map.of("input", input), Map.of("score", score));
      for (int r = 0; r < 2; r++) {
        assertEquals(PCA.score(rows[r]), score.getFloat(r), 1e-5 * Math.max(1, PCA.score(rows[r])), "run " + i);
      }
    }
  }

  @Test
  void shouldStayCorrectWhenPooledMemoryIsReusedAndWithManyDistinctTensors() {
    Random random = new Random(7);
    try (TensorPool pool = TensorPool.create()) {
      // Each cycle closes its tensors, so the pool hands the same memory to new tensor objects.
      for (int i = 0; i < 40; i++) {
        float[] row = Tensors.random(random, 1, TestModels.FEATURES)[0];
        try (TensorBuffer input = pool.acquire(ElementType.FLOAT32, 1, TestModels.FEATURES);
            TensorBuffer score = pool.acquire(ElementType.FLOAT32, 1, 1)) {
          input.put(0, row);
          session.run(Map.of("input", input), Map.of("score", score));
          assertEquals(PCA.score(row), score.getFloat(0), 1e-5 * Math.max(1, PCA.score(row)), "cycle " + i);
        }
      }
    }
    // More live tensors than the session caches wrappers for: the rest are wrapped per run.
    for (int i = 0; i < 100; i++) {
      float[] row = Tensors.random(random, 1, TestModels.FEATURES)[0];
      TensorBuffer input = floats(1, TestModels.FEATURES);
      TensorBuffer score = floats(1, 1);
      input.put(0, row);
      session.run(Map.of("input", input), Map.of("score", score));
      assertEquals(PCA.score(row), score.getFloat(0), 1e-5 * Math.max(1, PCA.score(row)), "tensor " + i);
    }
  }

  @Test
  void shouldRunOnAViewIntoALargerTensor() {
    float[][] rows = Tensors.random(new Random(4), 10, TestModels.FEATURES);
    TensorBuffer all = track(Tensors.of(rows));
    TensorBuffer view = track(all.slice(3, 4));
    TensorBuffer scores = floats(10, 1);
    session.run(Map.of("input", view), Map.of("score", track(scores.slice(6, 4))));
    for (int r = 0; r < 4; r++) {
      float expected = PCA.score(rows[3 + r]);
      assertEquals(expected, scores.getFloat(6 + r), 1e-5 * Math.max(1, expected));
    }
    assertEquals(0f, scores.getFloat(0));
  }

  @Test
  void shouldAllocateOutputsWhenNoneAreGiven() {
    float[][] rows = Tensors.random(new Random(5), 3, TestModels.FEATURES);
    InferenceResult outputs = track(session.run(Map.of("input", track(Tensors.of(rows)))));
    assertEquals(List.of("score"), outputs.names());
    TensorBuffer score = outputs.get("score");
    assertArrayEquals(new long[] {3, 1}, score.shape());
    for (int r = 0; r < 3; r++) {
      assertEquals(PCA.score(rows[r]), score.getFloat(r), 1e-5 * Math.max(1, PCA.score(rows[r])));
    }
  }

  @Test
  void shouldCloseEveryOutputWithTheResultAndNameTheOutputsOnAWrongName() {
    TensorBuffer score;
    try (InferenceResult result = session.run(Map.of("input", floats(2, 8)))) {
      score = result.get("score");
      assertFalse(score.isClosed());
      InferenceException wrong = assertThrows(InferenceException.class, () -> result.get("scores"));
      assertEquals("model pca.onnx: no output \"scores\" in this result; its outputs are [score]", wrong.getMessage());
      assertEquals(Optional.of("scores"), wrong.tensorName());
    }
    assertTrue(score.isClosed(), "closing the result closes its tensors");
  }

  @Test
  void shouldCopyOutOutputsWhoseShapeOnlyTheModelKnows() {
    // The output's second dimension has a name no input has: its size is known only after the run.
    OnnxModelBuilder b = OnnxModelBuilder.create();
    String x = b.input("x", OnnxDataType.FLOAT, Dim.batch(), Dim.of(2), Dim.of(3));
    OnnxModel model = b.output("flat", b.flatten(x, 1), OnnxDataType.FLOAT, Dim.batch(), Dim.param("n")).build();
    try (InferenceSession s = InferenceSession.open(ModelSource.ofBytes("flatten.onnx", model.bytes()))) {
      TensorBuffer input = floats(2, 2, 3);
      for (int i = 0; i < 12; i++) {
        input.putFloat(i, i);
      }
      TensorBuffer flat = track(s.run(Map.of("x", input))).get("flat");
      assertArrayEquals(new long[] {2, 6}, flat.shape());
      assertArrayEquals(Tensors.read(input), Tensors.read(flat));
    }
  }

  @Test
  void shouldRejectMissingUnknownAndMistypedInputsNamingExpectedAndGiven() {
    TensorBuffer score = floats(2, 1);
    assertMessage("model pca.onnx: input \"input\" missing: expected FLOAT32 [batch, 8], given inputs []",
        () -> session.run(Map.of(), Map.of("score", score)));
    assertMessage("model pca.onnx: unknown input \"x\"; the model's inputs are [input]",
        () -> session.run(Map.of("x", floats(2, 8)), Map.of("score", score)));
    TensorBuffer doubles = track(TensorBuffer.allocate(ElementType.FLOAT64, 2, 8));
    assertMessage("model pca.onnx: input \"input\": expected FLOAT32 [batch, 8], given FLOAT64 [2, 8]",
        () -> session.run(Map.of("input", doubles), Map.of("score", score)));
    assertMessage("model pca.onnx: input \"input\": expected FLOAT32 [batch, 8], given FLOAT32 [2, 7]",
        () -> session.run(Map.of("input", floats(2, 7)), Map.of("score", score)));
    assertMessage("model pca.onnx: input \"input\": expected FLOAT32 [batch, 8], given FLOAT32 [2, 8, 1]",
        () -> session.run(Map.of("input", floats(2, 8, 1)), Map.of("score", score)));
    TensorBuffer closed = TensorBuffer.allocate(ElementType.FLOAT32, 2, 8);
    closed.close();
    assertMessage("model pca.onnx: input \"input\": expected FLOAT32 [batch, 8], given a closed tensor "
        + "TensorBuffer[FLOAT32 [2, 8], closed]", () -> session.run(Map.of("input", closed), Map.of("score", score)));
    assertEquals(6, session.metrics().failures());
  }

  @Test
  void shouldGiveTheTensorExpectedAndFoundAsFieldsSoNoCallerParsesMessages() {
    TensorBuffer score = floats(2, 1);
    InferenceException shape = assertThrows(InferenceException.class,
        () -> session.run(Map.of("input", floats(2, 7)), Map.of("score", score)));
    assertEquals(Optional.of("input"), shape.tensorName());
    assertEquals(Optional.of("FLOAT32 [batch, 8]"), shape.expected());
    assertEquals(Optional.of("FLOAT32 [2, 7]"), shape.found());

    InferenceException output = assertThrows(InferenceException.class,
        () -> session.check(Map.of("input", floats(2, 8)), Map.of("score", floats(3, 1))));
    assertEquals(Optional.of("score"), output.tensorName());
    assertEquals(Optional.of("FLOAT32 [batch, 1] with batch=2 from the inputs"), output.expected());
    assertEquals(Optional.of("FLOAT32 [3, 1]"), output.found());

    InferenceException missing = assertThrows(InferenceException.class,
        () -> session.run(Map.of(), Map.of("score", score)));
    assertEquals(Optional.of("input"), missing.tensorName());
    assertEquals(Optional.of("FLOAT32 [batch, 8]"), missing.expected());
    assertEquals(Optional.empty(), missing.found(), "nothing was given");

    InferenceException unknown = assertThrows(InferenceException.class,
        () -> session.run(Map.of("x", floats(2, 8)), Map.of("score", score)));
    assertEquals(Optional.of("x"), unknown.tensorName());
    assertEquals(Optional.empty(), unknown.expected());

    session.close();
    InferenceException closed = assertThrows(InferenceException.class,
        () -> session.run(Map.of("input", floats(2, 8)), Map.of("score", score)));
    assertEquals(Optional.empty(), closed.tensorName(), "not about a tensor");
    assertEquals(Optional.empty(), closed.expected());
    assertEquals(Optional.empty(), closed.found());
  }

  @Test
  void shouldRejectInputsThatDisagreeOnANamedDimensionInsteadOfBroadcasting() {
    OnnxModelBuilder b = OnnxModelBuilder.create();
    String x = b.input("x", OnnxDataType.FLOAT, Dim.param("batch"), Dim.of(8));
    String mask = b.input("mask", OnnxDataType.FLOAT, Dim.param("batch"), Dim.of(8));
    OnnxModel masked = b.output("y", b.mul(x, mask), OnnxDataType.FLOAT, Dim.param("batch"), Dim.of(8)).build();
    InferenceSession twoInputs = track(InferenceSession.open(ModelSource.ofBytes("masked.onnx", masked.bytes()),
        InferenceOptions.newBuilder().warmUpRuns(0).build()));
    assertMessage("model masked.onnx: input \"mask\" dim 0 (batch) = 1, but input \"x\" gave batch = 4",
        () -> twoInputs.run(Map.of("x", floats(4, 8), "mask", floats(1, 8)), Map.of("y", floats(4, 8))));
    twoInputs.run(Map.of("x", floats(4, 8), "mask", floats(4, 8)), Map.of("y", floats(4, 8)));
    assertEquals(1, twoInputs.metrics().runs());
  }

  @Test
  void shouldOpenAValidModelThatRejectsTheWarmUpShape() {
    // Pairs of readings: a time axis of 1, as warm-up guesses, cannot be reshaped to [-1, 2].
    OnnxModelBuilder b = OnnxModelBuilder.create();
    String x = b.input("x", OnnxDataType.FLOAT, Dim.param("time"));
    OnnxModel pairs = b.output("pairs", b.reshape(x, -1, 2), OnnxDataType.FLOAT, Dim.param("n"), Dim.of(2)).build();
    InferenceSession opened = track(InferenceSession.open(ModelSource.ofBytes("pairs.onnx", pairs.bytes()),
        InferenceOptions.newBuilder().warmUpRuns(2).build()));
    TensorBuffer in = floats(4);
    in.put(0, new float[] {1, 2, 3, 4});
    InferenceResult out = track(opened.run(Map.of("x", in)));
    assertArrayEquals(new long[] {2, 2}, out.get("pairs").shape());
    assertEquals(3f, out.get("pairs").getFloat(2));
    assertEquals(1, opened.metrics().runs());
    assertEquals(0, opened.metrics().failures(), "warm-up failures are not counted");
  }

  @Test
  void shouldRefuseBeforeRunningToReturnAnOutputATensorBufferCannotHold() {
    OnnxModelBuilder b = OnnxModelBuilder.create();
    String x = b.input("x", OnnxDataType.FLOAT, Dim.batch(), Dim.of(4));
    b.output("y", b.identity(x), OnnxDataType.FLOAT, Dim.batch(), Dim.of(4));
    String codes = b.node("Cast", List.of(x), OnnxAttribute.of("to", OnnxDataType.UINT16.code()));
    OnnxModel model = b.output("codes", codes, OnnxDataType.UINT16, Dim.batch(), Dim.of(4)).build();
    InferenceSession mixed = track(InferenceSession.open(ModelSource.ofBytes("mixed.onnx", model.bytes()),
        InferenceOptions.newBuilder().warmUpRuns(0).build()));
    TensorBuffer in = floats(1, 4);
    assertMessage("model mixed.onnx: output \"codes\" has type UINT16, which a TensorBuffer cannot hold; use "
        + "run(inputs, outputs) with the outputs you need of [y]", () -> mixed.run(Map.of("x", in)));
    assertEquals(0, mixed.metrics().runs() + mixed.metrics().failures(), "refused before running");
    mixed.run(Map.of("x", in), Map.of("y", floats(1, 4)));
    assertMessage("model mixed.onnx: output \"codes\" has type UINT16, which a TensorBuffer cannot hold",
        () -> mixed.run(Map.of("x", in), Map.of("codes", floats(1, 4))));
  }

  @Test
  void shouldRejectOutputsThatDoNotMatchTheModelOrTheBatch() {
    TensorBuffer input = floats(2, 8);
    assertMessage("model pca.onnx: unknown output \"scores\"; the model's outputs are [score]",
        () -> session.run(Map.of("input", input), Map.of("scores", floats(2, 1))));
    assertMessage("model pca.onnx: output \"score\": expected FLOAT32 [batch, 1] with batch=2 from the inputs, "
        + "given FLOAT32 [3, 1]", () -> session.run(Map.of("input", input), Map.of("score", floats(3, 1))));
    assertMessage("model pca.onnx: output \"score\": expected FLOAT32 [batch, 1], given FLOAT32 [2, 2]",
        () -> session.run(Map.of("input", input), Map.of("score", floats(2, 2))));
    assertMessage("model pca.onnx: no outputs given; the model's outputs are [score]",
        () -> session.run(Map.of("input", input), Map.of()));
  }

  @Test
  void shouldFailRunsAfterCloseAndCloseBindings() {
    TensorBuffer input = floats(1, 8);
    TensorBuffer score = floats(1, 1);
    SessionBinding binding = session.bind(Map.of("input", input), Map.of("score", score));
    session.close();
    session.close();
    assertMessage("model pca.onnx: session is closed", () -> session.run(Map.of("input", input), Map.of("score", score)));
    assertMessage("model pca.onnx: binding is closed", binding::run);
  }

  @Test
  void shouldFailABindingWhoseTensorWasClosed() {
    TensorBuffer input = TensorBuffer.allocate(ElementType.FLOAT32, 1, 8);
    try (SessionBinding binding = session.bind(Map.of("input", input), Map.of("score", floats(1, 1)))) {
      input.close();
      assertMessage("model pca.onnx: a bound tensor was closed: TensorBuffer[FLOAT32 [1, 8], closed]", binding::run);
    }
  }

  @Test
  void shouldFailBeforeOnnxRuntimeWhenThePinDoesNotMatch() {
    // The bytes are not even ONNX: a pin mismatch must be reported, not a parse error.
    byte[] bytes = OnnxModels.notOnnx();
    String wrongPin = "0".repeat(64);
    InferenceException e = assertThrows(InferenceException.class,
        () -> InferenceSession.open(ModelSource.ofBytes("pinned.onnx", bytes).pinnedTo(wrongPin)));
    assertEquals("model pinned.onnx: SHA-256 mismatch, expected " + wrongPin + " but the bytes hash to "
        + ModelSource.sha256Hex(bytes), e.getMessage());

    String pin = MODEL.sha256().toUpperCase(java.util.Locale.ROOT);
    try (InferenceSession pinned = InferenceSession.open(ModelSource.ofBytes("ok.onnx", MODEL.bytes()).pinnedTo(pin))) {
      assertEquals(MODEL.sha256(), pinned.description().sha256());
    }
  }

  @Test
  void shouldNameTheFileOfACorruptOrNonOnnxModel(@TempDir Path dir) throws Exception {
    Path truncated = Files.write(dir.resolve("truncated.onnx"), OnnxModels.truncated(MODEL));
    Path text = Files.write(dir.resolve("notes.txt"), OnnxModels.notOnnx());
    Path invalid = Files.write(dir.resolve("invalid.onnx"), OnnxModels.invalidGraph());
    for (Path file : List.of(truncated, text, invalid)) {
      InferenceException e = assertThrows(InferenceException.class,
          () -> InferenceSession.open(ModelSource.ofPath(file)));
      assertTrue(e.getMessage().startsWith("model " + file + ": not a valid ONNX model or not loadable by ONNX "
          + "Runtime: "), e.getMessage());
    }
    InferenceException parse = assertThrows(InferenceException.class,
        () -> InferenceSession.open(ModelSource.ofPath(text)));
    assertTrue(parse.getMessage().contains("ORT_INVALID_PROTOBUF"), parse.getMessage());

    Path missing = dir.resolve("missing.onnx");
    InferenceException notFound = assertThrows(InferenceException.class,
        () -> InferenceSession.open(ModelSource.ofPath(missing)));
    assertTrue(notFound.getMessage().startsWith("model " + missing + ": cannot read file: "), notFound.getMessage());
  }

  @Test
  void shouldLoadAModelFromTheClassPath(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("models"));
    MODEL.writeTo(dir.resolve("models/pca.onnx"));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
        InferenceSession s = InferenceSession.open(ModelSource.ofResource(loader, "/models/pca.onnx"))) {
      assertEquals("classpath:models/pca.onnx", s.description().source());
      InferenceException e = assertThrows(InferenceException.class,
          () -> InferenceSession.open(ModelSource.ofResource(loader, "models/none.onnx")));
      assertEquals("model classpath:models/none.onnx: no such class path resource", e.getMessage());
    }
  }

  @Test
  void shouldApplyOptionsWriteTheOptimisedModelAndNotCountWarmUps(@TempDir Path dir) {
    Path optimised = dir.resolve("pca.optimised.onnx");
    InferenceOptions options = InferenceOptions.newBuilder()
        .intraOpThreads(1)
        .interOpThreads(1)
        .optimizationLevel(GraphOptimizationLevel.EXTENDED)
        .optimizedModelPath(optimised)
        .warmUpRuns(3)
        .build();
    try (InferenceSession s = InferenceSession.open(ModelSource.ofBytes("pca.onnx", MODEL.bytes()), options)) {
      assertTrue(Files.exists(optimised), "optimised model written");
      assertEquals(0, s.metrics().runs());
    }
    try (InferenceSession reopened = InferenceSession.open(ModelSource.ofPath(optimised))) {
      assertEquals("score", reopened.description().outputs().get(0).name());
    }
  }

  @Test
  void shouldCountRunsFailuresLatencyAndBatchSizesAndTellListeners() {
    AtomicInteger heard = new AtomicInteger();
    AtomicInteger failuresHeard = new AtomicInteger();
    session.addMetricsListener(new MetricsListener() {
      @Override
      public void onRun(String model, ExecutionProvider provider, int batchSize, long latencyNanos) {
        assertEquals("pca.onnx", model);
        assertEquals(ExecutionProvider.CPU, provider);
        assertTrue(latencyNanos > 0);
        heard.incrementAndGet();
      }

      @Override
      public void onFailure(String model, ExecutionProvider provider, RuntimeException error) {
        failuresHeard.incrementAndGet();
      }
    });
    for (int batch : new int[] {1, 1, 4}) {
      session.run(Map.of("input", floats(batch, 8)), Map.of("score", floats(batch, 1)));
    }
    assertThrows(InferenceException.class, () -> session.run(Map.of(), Map.of("score", floats(1, 1))));
    SessionMetrics m = session.metrics();
    assertEquals(3, m.runs());
    assertEquals(1, m.failures());
    assertEquals(Map.of(1, 2L, 4, 1L), m.batchSizes());
    assertTrue(m.p50Nanos() > 0 && m.p50Nanos() <= m.p99Nanos() && m.p99Nanos() <= 2 * m.maxNanos(), m.toString());
    assertEquals(ExecutionProvider.CPU, m.activeProvider());
    assertEquals(3, heard.get());
    assertEquals(1, failuresHeard.get());
    assertFalse(m.toString().isEmpty());
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    InferenceException e = assertThrows(InferenceException.class, call);
    assertEquals(expected, e.getMessage());
  }
}
