package io.aifactory.sdk.benchmarks;

import ai.djl.repository.zoo.ZooModel;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.core.tensor.Window;
import io.aifactory.sdk.inference.InferenceOptions;
import io.aifactory.sdk.inference.InferenceSession;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.SessionBinding;
import io.aifactory.sdk.testkit.onnx.OnnxModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One model run on one thread, the same model and inputs, every way a vendor might call it:
 *
 * <ul>
 *   <li>{@code ortFloatArrays}: plain ONNX Runtime with a {@code float[][]} (or {@code float[][][]}) input and
 *       {@code getValue()} output — what users usually write;
 *   <li>{@code ortDirectBuffers}: plain ONNX Runtime with a tensor created per call over a direct buffer that holds
 *       the input (no copy in), the output read with {@code getFloatBuffer()} (a copy out);
 *   <li>{@code ortDirectFloor}: plain ONNX Runtime with input and output tensors created once over direct
 *       buffers, so each call is only {@code run(inputs, pinnedOutputs)} — the floor;
 *   <li>{@code sdkRun}: {@link InferenceSession#run(Map, Map)} with {@link TensorBuffer}s, checked and wrapped
 *       on every call;
 *   <li>{@code sdkBinding}: {@link SessionBinding#run()}, checked and wrapped once;
 *   <li>{@code sdkWindowView}: {@link InferenceSession#run(Map, Map)} on a fresh view of a {@link Window} whose
 *       rows are the samples ({@code latest(batch)} reshaped to the model's input), as a pipeline hands it over;
 *   <li>{@code djlPredictor}: DJL 0.38's ONNX Runtime engine (on the same onnxruntime 1.29.0 jar) as its
 *       documentation shows it: an {@code NDArray} made from a {@code float[]} per call, {@code Predictor.predict},
 *       {@code toFloatArray()};
 *   <li>{@code djlPredictorReusedInput}: the same with the input {@code NDArray} created once, DJL at its best.
 * </ul>
 *
 * <p>Every session uses one intra-op thread, so the comparison is about the Java side, not thread pools. DJL runs
 * offline ({@code ai.djl.offline=true}, no alternative engine): its engine loads ONNX Runtime's natives from the
 * onnxruntime jar on the class path and downloads nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InferenceBenchmark {
  @Param({"MLP", "PCA"})
  public BenchmarkModels model;

  @Param({"1", "64"})
  public int batch;

  private OrtEnvironment env;
  private OrtSession ort;
  private String inputName;
  private String outputName;
  private Object javaInput; // float[batch][features] or float[batch][256][16]
  private OnnxTensor floorInput;
  private OnnxTensor floorOutput;
  private FloatBuffer floorOutputBuffer;
  private Map<String, OnnxTensor> floorInputs;
  private Map<String, OnnxTensor> floorOutputs;

  private InferenceSession session;
  private TensorBuffer input;
  private TensorBuffer output;
  private Map<String, TensorBuffer> sdkInputs;
  private Map<String, TensorBuffer> sdkOutputs;
  private SessionBinding binding;

  private float[] flat;
  private FloatBuffer directInput;
  private Window window;

  private Path djlDir;
  private ZooModel<NDList, NDList> djlModel;
  private Predictor<NDList, NDList> djlPredictor;
  private NDManager djlManager;
  private NDList djlInput;

  @Setup(Level.Trial)
  public void setUp() throws OrtException {
    OnnxModel onnx = model.build();
    // DJL's engine creates ONNX Runtime's process-wide environment with threading options, which ONNX Runtime
    // refuses once any environment exists: DJL must come first in a process that also uses ONNX Runtime directly.
    djlSetUp(onnx.bytes());
    inputName = onnx.inputName();
    outputName = onnx.outputName();
    env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      ort = env.createSession(onnx.bytes(), options);
    }
    session = InferenceSession.open(ModelSource.ofBytes(model.name(), onnx.bytes()),
        InferenceOptions.newBuilder().intraOpThreads(1).build());

    Random random = new Random(1);
    flat = new float[batch * model.sampleSize()];
    for (int i = 0; i < flat.length; i++) {
      flat[i] = (float) random.nextGaussian();
    }
    javaInput = toJava(flat);

    FloatBuffer direct = ByteBuffer.allocateDirect(4 * flat.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
    direct.put(flat).flip();
    FloatBuffer out = ByteBuffer.allocateDirect(4 * batch).order(ByteOrder.nativeOrder()).asFloatBuffer();
    directInput = direct;
    floorInput = OnnxTensor.createTensor(env, direct, model.shape(batch));
    floorOutput = OnnxTensor.createTensor(env, out, new long[] {batch, 1});
    floorOutputBuffer = out;
    floorInputs = Map.of(inputName, floorInput);
    floorOutputs = Map.of(outputName, floorOutput);

    input = TensorBuffer.allocate(ElementType.FLOAT32, model.shape(batch));
    input.put(0, flat);
    output = TensorBuffer.allocate(ElementType.FLOAT32, batch, 1);
    sdkInputs = Map.of(inputName, input);
    sdkOutputs = Map.of(outputName, output);
    binding = session.bind(sdkInputs, sdkOutputs);

    djlInput = new NDList(djlManager.create(flat, new Shape(model.shape(batch))));

    // One window row per sample, so that the latest `batch` rows are the batch; filled past its capacity, so the
    // view starts mid-ring as it does on a running line.
    int samples = model.sampleSize();
    window = Window.newBuilder().capacity(Math.max(2, 2 * batch)).features(samples).build();
    float[] row = new float[samples];
    for (int r = 0; r < 3 * batch + 1; r++) {
      System.arraycopy(flat, (r % batch) * samples, row, 0, samples);
      window.append(r, row);
    }
  }

  private void djlSetUp(byte[] onnxBytes) {
    // Offline and without PyTorch as DJL's "alternative engine": nothing may be fetched at run time.
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("ai.djl.onnx.disable_alternative", "true");
    // Its global thread pools, like every session here: one thread each.
    System.setProperty("ai.djl.onnxruntime.num_threads", "1");
    System.setProperty("ai.djl.onnxruntime.num_interop_threads", "1");
    try {
      djlDir = Files.createTempDirectory("djl-model");
      Files.write(djlDir.resolve("model.onnx"), onnxBytes);
      System.setProperty("DJL_CACHE_DIR", djlDir.resolve("cache").toString());
      Criteria<NDList, NDList> criteria = Criteria.builder()
          .setTypes(NDList.class, NDList.class)
          .optModelPath(djlDir)
          .optModelName("model")
          .optEngine("OnnxRuntime")
          .optOption("intraOpNumThreads", "1")
          .optOption("interOpNumThreads", "1")
          .build();
      djlModel = criteria.loadModel();
      djlPredictor = djlModel.newPredictor();
      djlManager = djlModel.getNDManager().newSubManager();
      djlInput = null; // made once the inputs exist, below
    } catch (Exception e) {
      throw new IllegalStateException("DJL could not load the model offline: " + e, e);
    }
  }

  private Object toJava(float[] flat) {
    int n = model.sampleSize();
    if (model.sampleShape.length == 1) {
      float[][] rows = new float[batch][n];
      for (int b = 0; b < batch; b++) {
        System.arraycopy(flat, b * n, rows[b], 0, n);
      }
      return rows;
    }
    int rows = model.sampleShape[0];
    int columns = model.sampleShape[1];
    float[][][] samples = new float[batch][rows][columns];
    for (int b = 0; b < batch; b++) {
      for (int r = 0; r < rows; r++) {
        System.arraycopy(flat, b * n + r * columns, samples[b][r], 0, columns);
      }
    }
    return samples;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    djlInput.close();
    djlManager.close();
    djlPredictor.close();
    djlModel.close();
    try (var paths = Files.walk(djlDir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    window.close();
    binding.close();
    session.close();
    input.close();
    output.close();
    floorInput.close();
    floorOutput.close();
    ort.close();
  }

  @Benchmark
  public float[][] ortFloatArrays() throws OrtException {
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, javaInput);
        OrtSession.Result result = ort.run(Map.of(inputName, tensor))) {
      return (float[][]) result.get(0).getValue();
    }
  }

  @Benchmark
  public float ortDirectBuffers() throws OrtException {
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, directInput, model.shape(batch));
        OrtSession.Result result = ort.run(Map.of(inputName, tensor))) {
      return ((OnnxTensor) result.get(0)).getFloatBuffer().get(0);
    }
  }

  @Benchmark
  public float ortDirectFloor() throws OrtException {
    ort.run(floorInputs, floorOutputs).close();
    return floorOutputBuffer.get(0); // our own view: getFloatBuffer() would copy
  }

  @Benchmark
  public float sdkRun() {
    session.run(sdkInputs, sdkOutputs);
    return output.getFloat(0);
  }

  @Benchmark
  public float sdkBinding() {
    binding.run();
    return output.getFloat(0);
  }

  @Benchmark
  public float sdkWindowView() {
    session.run(Map.of(inputName, window.latest(batch).reshape(model.shape(batch))), sdkOutputs);
    return output.getFloat(0);
  }

  @Benchmark
  public float djlPredictor() throws Exception {
    try (NDManager manager = djlModel.getNDManager().newSubManager()) {
      NDArray in = manager.create(flat, new Shape(model.shape(batch)));
      NDList out = djlPredictor.predict(new NDList(in));
      float[] values = out.singletonOrThrow().toFloatArray();
      out.close();
      return values[0];
    }
  }

  @Benchmark
  public float djlPredictorReusedInput() throws Exception {
    try (NDList out = djlPredictor.predict(djlInput)) {
      return out.singletonOrThrow().toFloatArray()[0];
    }
  }
}
