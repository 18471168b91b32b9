/**
 * Writes ONNX models from plain Java, with no protobuf library, so tests and benchmarks can build the exact
 * models they need: {@link io.aifactory.sdk.testkit.onnx.OnnxModelBuilder} for any graph of common ops,
 * {@link io.aifactory.sdk.testkit.onnx.OnnxModels} for ready-made linear, MLP and PCA anomaly models (and
 * broken bytes for error tests), and {@link io.aifactory.sdk.testkit.onnx.JavaReference} for the same
 * functions computed in Java.
 */
package io.aifactory.sdk.testkit.onnx;
