package io.aifactory.sdk.core.pipeline;

import io.aifactory.sdk.core.tensor.TensorBuffer;
import java.util.Map;

/**
 * A model as a pipeline sees it: named tensors in, named tensors out. {@code aifactory-sdk-inference} implements
 * it for ONNX Runtime sessions; a vendor can implement it with plain Java code or a call to a remote model.
 *
 * <p>The pipeline calls {@link #run} from its own single thread, with inputs of shape {@code [N, rows, features]}
 * (N machines scored together) and outputs of shape {@code [N, width]} that it owns and reuses.
 */
public interface Model extends AutoCloseable {
  /** Returns the model's name, version and identity, as shown in metrics, audits and recordings. */
  ModelInfo info();

  /**
   * Checks, before the first run, that the model accepts inputs and produces outputs of these names, element
   * types and shapes (the first dimension is the batch: the number of machines). The default accepts anything.
   *
   * @throws io.aifactory.sdk.core.InferenceException naming the tensor, what the model expects and what the
   *     pipeline would give
   */
  default void check(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs) {}

  /**
   * Runs the model on {@code inputs}, writing {@code outputs} in place.
   *
   * @throws RuntimeException on any failure; the pipeline counts it, reports it and keeps running
   */
  void run(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs);

  /** Frees the model; the pipeline closes the models it was given only if told to (see the builder). */
  @Override
  default void close() {}
}
