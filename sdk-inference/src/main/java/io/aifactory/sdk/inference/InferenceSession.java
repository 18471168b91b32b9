package io.aifactory.sdk.inference;

import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.inference.internal.OrtInferenceSession;
import java.util.Map;

/**
 * An ONNX model loaded into ONNX Runtime, run on {@link TensorBuffer}s without copying them.
 *
 * <pre>{@code
 * try (InferenceSession session = InferenceSession.open(ModelSource.ofPath(model),
 *         InferenceOptions.newBuilder().providers(ExecutionProvider.CUDA, ExecutionProvider.CPU).build());
 *     TensorBuffer input = TensorBuffer.allocate(ElementType.FLOAT32, 1, 64);
 *     TensorBuffer score = TensorBuffer.allocate(ElementType.FLOAT32, 1, 1)) {
 *   session.run(Map.of("input", input), Map.of("score", score));
 * }
 * }</pre>
 *
 * <p>Inputs are checked against the model (names, element types, shapes) before ONNX Runtime sees them, and
 * handed over as views of their own native memory. Outputs are written into the caller's tensors. A session
 * remembers the ONNX Runtime wrappers of the last few tensors it was given (until they are closed), so a loop
 * that reuses its input and output tensors allocates no tensor memory per run; {@link #bind} does the checks
 * and wrapping once, explicitly, for the tightest loops.
 *
 * <p>Threads: every method may be called from many threads at once. {@link #close()} waits for runs in
 * flight, then frees the native session; runs started after it fail.
 */
public interface InferenceSession extends AutoCloseable {
  /**
   * Opens {@code source} on the first execution provider of {@code options} that initialises.
   *
   * @throws InferenceException if the bytes cannot be read, do not match the pin, are not a valid ONNX model,
   *     or no acceptable execution provider initialises; the message names the model
   */
  static InferenceSession open(ModelSource source, InferenceOptions options) {
    return OrtInferenceSession.open(source, options);
  }

  /** Opens {@code source} on CPU with default options. */
  static InferenceSession open(ModelSource source) {
    return open(source, InferenceOptions.defaults());
  }

  /** Returns the model's inputs, outputs and metadata. */
  ModelDescription description();

  /** Returns the active execution provider and why each preferred one was skipped. */
  ProviderSelection providers();

  /** Returns the execution provider this session runs on. */
  default ExecutionProvider activeProvider() {
    return providers().active();
  }

  /**
   * Runs the model on {@code inputs} (every model input, by name) and writes the requested outputs into
   * {@code outputs} (one or more model outputs, by name, shaped as the model will produce them).
   *
   * @throws InferenceException naming the tensor, expected and given type and shape, if an input or output
   *     does not match the model; or if ONNX Runtime fails, or the session is closed
   */
  void run(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs);

  /**
   * Checks {@code inputs} and {@code outputs} exactly as {@link #run(Map, Map)} would, without running: for a
   * caller that wants a mistake reported once, at start-up, rather than on every run.
   *
   * @throws InferenceException as {@link #run(Map, Map)} for a tensor that does not match the model, or if the
   *     session is closed
   */
  void check(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs);

  /**
   * Runs the model and returns every output in a new tensor, held by a result the caller closes (which frees them
   * all): {@code try (InferenceResult result = session.run(inputs)) { result.get("score") ... }}.
   *
   * <p>Convenient, but it allocates every output (native memory) on every call; a loop that runs every cycle
   * should allocate its outputs once and use {@link #run(Map, Map)} or {@link #bind}.
   *
   * @throws InferenceException as {@link #run(Map, Map)}; also, before running, if the model has an output a
   *     {@link TensorBuffer} cannot hold (a sequence, a map, or an unsupported element type): use
   *     {@link #run(Map, Map)} with the outputs you need
   */
  InferenceResult run(Map<String, TensorBuffer> inputs);

  /**
   * Checks and wraps {@code inputs} and {@code outputs} once and returns a binding that runs the model on
   * them: write new values into the input tensors, call {@link SessionBinding#run()}, read the outputs. The
   * tensors must stay open while the binding is used; close the binding first.
   *
   * @throws InferenceException as {@link #run(Map, Map)}
   */
  SessionBinding bind(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs);

  /** Returns a snapshot of this session's counters. */
  SessionMetrics metrics();

  void addMetricsListener(MetricsListener listener);

  void removeMetricsListener(MetricsListener listener);

  /**
   * Waits for runs in flight, then frees the native session and every binding. Closing again, or from several
   * threads at once, frees once; every caller returns once the session is freed.
   *
   * @throws IllegalStateException if called by a thread inside a run of this session, which would wait for
   *     itself (metrics listeners are called after the run, so they may close it)
   */
  @Override
  void close();
}
