/**
 * Off-heap tensors and sliding windows that reach a model without being copied.
 *
 * <p>{@link io.aifactory.sdk.core.tensor.TensorBuffer} is a typed, shaped view over native-order,
 * 64-byte-aligned direct memory; slices and reshapes are views of the same bytes.
 * {@link io.aifactory.sdk.core.tensor.TensorPool} reuses that memory, because direct memory is costly to
 * allocate and only the garbage collector frees it. {@link io.aifactory.sdk.core.tensor.Window} is a
 * mirrored ring of samples whose latest rows are always one contiguous {@code TensorBuffer} view, ready to
 * hand to an inference runtime as it is.
 *
 * <p>Ownership: whoever allocates or acquires a root buffer closes it; views never own memory.
 */
package io.aifactory.sdk.core.tensor;
