package io.aifactory.sdk.inference;

import io.aifactory.sdk.core.InferenceException;

/**
 * Input and output tensors wrapped once for repeated runs of one session: ONNX Runtime reads the inputs'
 * memory and writes the outputs' memory in place, so a run allocates no tensor memory.
 *
 * <p>Runs of one binding are serialised (its outputs cannot be shared between concurrent runs); use one
 * binding per thread for parallel runs.
 */
public interface SessionBinding extends AutoCloseable {
  /**
   * Runs the model on the bound inputs, writing the bound outputs.
   *
   * @throws InferenceException if the binding, its session or one of its tensors is closed, or ONNX Runtime
   *     fails
   */
  void run();

  /** Frees the native wrappers; the tensors themselves stay open. */
  @Override
  void close();
}
