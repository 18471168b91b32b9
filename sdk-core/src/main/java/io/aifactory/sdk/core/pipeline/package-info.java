/**
 * Pipelines: devices → windows → one batched model call per tick → actions (alarms, publishing, guarded writes).
 *
 * <p>{@link io.aifactory.sdk.core.pipeline.Model} is the seam to any model runtime; {@code aifactory-sdk-inference}
 * implements it for ONNX Runtime, and {@link io.aifactory.sdk.core.pipeline.ModelProvider} finds models for JSON apps.
 */
package io.aifactory.sdk.core.pipeline;
