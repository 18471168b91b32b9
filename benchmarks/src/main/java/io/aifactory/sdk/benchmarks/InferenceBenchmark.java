package io.aifactory.sdk.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.inference.InferenceOptions;
import io.aifactory.sdk.inference.InferenceSession;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.SessionBinding;
import io.aifactory.sdk.testkit.onnx.OnnxModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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
 * One model run on one thread, four ways, on the same model and inputs:
 *
 * <ul>
 *   <li>{@code ortFloatArrays}: plain ONNX Runtime with a {@code float[][]} (or {@code float[][][]}) input and
 *       {@code getValue()} output — what users usually write;
 *   <li>{@code ortDirectFloor}: plain ONNX Runtime with input and output tensors created once over direct
 *       buffers, so each call is only {@code run(inputs, pinnedOutputs)} — the floor;
 *   <li>{@code sdkRun}: {@link InferenceSession#run(Map, Map)} with {@link TensorBuffer}s, checked and wrapped
 *       on every call;
 *   <li>{@code sdkBinding}: {@link SessionBinding#run()}, checked and wrapped once.
 * </ul>
 *
 * <p>Every session uses one intra-op thread, so the comparison is about the Java side, not thread pools.
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

  @Setup(Level.Trial)
  public void setUp() throws OrtException {
    OnnxModel onnx = model.build();
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
    float[] flat = new float[batch * model.sampleSize()];
    for (int i = 0; i < flat.length; i++) {
      flat[i] = (float) random.nextGaussian();
    }
    javaInput = toJava(flat);

    FloatBuffer direct = ByteBuffer.allocateDirect(4 * flat.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
    direct.put(flat).flip();
    FloatBuffer out = ByteBuffer.allocateDirect(4 * batch).order(ByteOrder.nativeOrder()).asFloatBuffer();
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
  public void tearDown() throws OrtException {
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
}
