/**
 * ONNX models on ONNX Runtime: sessions that check and wrap {@code TensorBuffer}s without copying, execution
 * providers tried in order with the reason each was skipped, micro-batching of single samples, and a
 * registry of named, versioned models that can be hot-swapped and selected by the product on the line.
 */
package io.aifactory.sdk.inference;
