package io.aifactory.sdk.inference;

import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.inference.internal.MicroBatcher;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Dynamic batching in process, as Triton does it: many producers submit single samples, a worker gathers them
 * into one batch (up to a maximum size, or until the first sample has waited the maximum queue delay), runs
 * the model once, and completes each producer's future with its own outputs.
 *
 * <pre>{@code
 * try (BatchingSession batcher = BatchingSession.start(session, BatchingOptions.newBuilder()
 *     .maxBatchSize(64).maxQueueDelay(Duration.ofMillis(1)).build())) {
 *   try (InferenceResult scores = batcher.submit(Map.of("input", sample)).join()) {
 *     float score = scores.get("score").getFloat(0);
 *   }
 * }
 * }</pre>
 *
 * <p>A sample is one entry of the batch: its shape is the model input's shape without the batch
 * dimension, or with a batch dimension of 1. Its memory is read when its batch is formed, so it must stay
 * open and unchanged until its future completes. Outputs have a batch dimension of 1.
 *
 * <p>When it pays: every sample costs its producer one wait and one wake-up (a context switch each way),
 * which on a small, busy machine takes about 3 to 20 microseconds of CPU. Batching wins when the model's
 * per-sample saving from running in a batch is well above that (a model taking tens of microseconds per
 * sample or more); for a model that scores a sample in a few microseconds, call the session directly from
 * each thread. On few cores, also set ONNX Runtime's {@code session.intra_op.allow_spinning} to {@code "0"}
 * ({@link InferenceOptions.Builder#configEntry(String, String)}): idle intra-op threads that spin take the CPU the producers
 * need.
 */
public interface BatchingSession extends AutoCloseable {
  /**
   * Starts a batching worker over {@code session}, which must have a dynamic first (batch) dimension on
   * every input and output. The session stays open when the batcher closes.
   *
   * @throws InferenceException if the model cannot be batched, naming the input or output
   */
  static BatchingSession start(InferenceSession session, BatchingOptions options) {
    return MicroBatcher.start(session, options);
  }

  /**
   * Queues one sample and returns a future of its outputs, as a result the caller owns and closes (it frees the
   * output tensors); a caller that abandons the future after it completed must still close the result.
   *
   * @throws InferenceException if the sample does not match the model, naming the input
   * @throws QueueFullException if the queue is full and {@link BatchingOptions#blockWhenFull()} is off
   */
  CompletableFuture<InferenceResult> submit(Map<String, TensorBuffer> sample);

  /**
   * Queues one sample whose outputs are written into {@code outputs} (each shaped as one sample's output);
   * the future completes when they are written.
   *
   * @throws InferenceException if the sample or outputs do not match the model, naming the tensor
   * @throws QueueFullException if the queue is full and {@link BatchingOptions#blockWhenFull()} is off
   */
  CompletableFuture<Void> submit(Map<String, TensorBuffer> sample, Map<String, TensorBuffer> outputs);

  /** Returns the number of samples waiting. */
  int queued();

  /** Stops taking samples, runs the ones already queued, and stops the worker. */
  @Override
  void close();
}
