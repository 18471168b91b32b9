package io.aifactory.sdk.benchmarks;

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
import io.aifactory.sdk.testkit.onnx.Mlp;
import io.aifactory.sdk.testkit.onnx.OnnxModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The latest rows of a {@link Window} into a model, three ways, on the same model, window and rows:
 *
 * <ul>
 *   <li>{@code reusedTensor}: {@link InferenceSession#run(Map, Map)} on one input tensor allocated once and holding
 *       the same rows — the floor: the session's wrapper cache hits on every call;
 *   <li>{@code freshView}: the same run on {@code window.latestBatch(n)}, a new view object on every call, as a
 *       pipeline tick makes it — the path under test: it should cost what the floor costs;
 *   <li>{@code copyAndCreateTensor}: the plain alternative, without the SDK's tensors: copy the rows into a
 *       {@code float[]}, {@code OnnxTensor.createTensor} over it (ONNX Runtime copies again into native memory),
 *       run the raw session, close the tensor.
 * </ul>
 *
 * <p>Outputs are written into a tensor created once in every case, so only the input path differs. The window
 * does not move during the run: this measures the per-call cost of the view, not the first wrap of a new offset.
 * One intra-op thread. Compare ratios within one run, not absolute times.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class WindowInferenceBenchmark {
  /** Models over windows of {@code rows × features}. */
  public enum WindowModel {
    /** 32 rows × 8 features → 8 → 1: small enough that the Java side shows. */
    SMALL(32, 8) {
      @Override
      Mlp mlp() {
        return Mlp.random(7, new int[] {rows, features}, 8, 1);
      }
    },
    /** The 256×16 → 64 → 1 MLP of {@link InferenceBenchmark}. */
    MLP(256, 16) {
      @Override
      Mlp mlp() {
        return Mlp.random(7, new int[] {rows, features}, 64, 1);
      }
    };

    final int rows;
    final int features;

    WindowModel(int rows, int features) {
      this.rows = rows;
      this.features = features;
    }

    abstract Mlp mlp();
  }

  @Param({"SMALL", "MLP"})
  public WindowModel model;

  private Window window;
  private InferenceSession session;
  private TensorBuffer reused;
  private TensorBuffer output;
  private Map<String, TensorBuffer> reusedInputs;
  private Map<String, TensorBuffer> outputs;
  private String inputName;

  private OrtEnvironment env;
  private OrtSession ort;
  private float[] copy;
  private long[] shape;
  private OnnxTensor ortOutput;
  private FloatBuffer ortOutputBuffer;
  private Map<String, OnnxTensor> ortOutputs;

  @Setup
  public void setUp() throws OrtException {
    OnnxModel onnx = model.mlp().model();
    inputName = onnx.inputName();
    int n = model.rows;
    window = Window.newBuilder().capacity(2 * n).features(model.features).build();
    Random random = new Random(1);
    float[] row = new float[model.features];
    for (int r = 0; r < 2 * n + n / 3; r++) { // wrapped, ending mid-ring
      for (int f = 0; f < row.length; f++) {
        row[f] = (float) random.nextGaussian();
      }
      window.append(r, row);
    }

    session = InferenceSession.open(ModelSource.ofBytes(model.name(), onnx.bytes()),
        InferenceOptions.newBuilder().intraOpThreads(1).build());
    shape = new long[] {1, n, model.features};
    reused = TensorBuffer.allocate(ElementType.FLOAT32, shape);
    window.latestBatch(n).copyTo(reused);
    output = TensorBuffer.allocate(ElementType.FLOAT32, 1, 1);
    reusedInputs = Map.of(inputName, reused);
    outputs = Map.of(onnx.outputName(), output);

    env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      ort = env.createSession(onnx.bytes(), options);
    }
    copy = new float[n * model.features];
    FloatBuffer out = ByteBuffer.allocateDirect(Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    ortOutput = OnnxTensor.createTensor(env, out, new long[] {1, 1});
    ortOutputBuffer = out;
    ortOutputs = Map.of(onnx.outputName(), ortOutput);
  }

  @TearDown
  public void tearDown() throws OrtException {
    session.close();
    ortOutput.close();
    ort.close();
    reused.close();
    output.close();
    window.close();
  }

  @Benchmark
  public float reusedTensor() {
    session.run(reusedInputs, outputs);
    return output.getFloat(0);
  }

  @Benchmark
  public float freshView() {
    session.run(Map.of(inputName, window.latestBatch(model.rows)), outputs);
    return output.getFloat(0);
  }

  @Benchmark
  public float copyAndCreateTensor() throws OrtException {
    window.latestBatch(model.rows).get(0, copy, 0, copy.length);
    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(copy), shape)) {
      ort.run(Map.of(inputName, input), ortOutputs).close();
    }
    return ortOutputBuffer.get(0); // our own view: getFloatBuffer() would copy
  }
}
