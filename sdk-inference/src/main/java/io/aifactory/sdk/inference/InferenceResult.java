package io.aifactory.sdk.inference;

import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The outputs of {@link InferenceSession#run(Map)}: tensors in native memory that this result owns and frees in
 * {@link #close()}, so one try-with-resources frees them all, also when reading them throws.
 *
 * <pre>{@code
 * try (InferenceResult result = session.run(Map.of("input", window))) {
 *   float score = result.get("score").getFloat(0);
 * }
 * }</pre>
 *
 * <p>A tensor from {@link #get} is valid until the result is closed; copy what must outlive it. Not thread-safe:
 * one thread reads a result, then closes it.
 */
public final class InferenceResult implements AutoCloseable {
  private final String model;
  private final Map<String, TensorBuffer> outputs;
  private final List<String> names;
  private boolean closed;

  private InferenceResult(String model, Map<String, TensorBuffer> outputs) {
    this.model = model;
    this.outputs = outputs;
    this.names = Collections.unmodifiableList(new ArrayList<>(outputs.keySet()));
  }

  /**
   * Returns a result that takes ownership of {@code outputs} (in their iteration order) and closes them with itself;
   * {@code model} is what error messages call the model. For implementations of {@link InferenceSession}.
   */
  public static InferenceResult owning(String model, Map<String, TensorBuffer> outputs) {
    Objects.requireNonNull(model, "model");
    Map<String, TensorBuffer> copy = new LinkedHashMap<>();
    outputs.forEach((name, tensor) -> copy.put(Objects.requireNonNull(name, "name"),
        Objects.requireNonNull(tensor, name)));
    return new InferenceResult(model, copy);
  }

  /** Returns the names of the outputs, in the model's order. */
  public List<String> names() {
    return names;
  }

  /**
   * Returns the output {@code name}, owned by this result.
   *
   * @throws InferenceException naming the outputs there are, if there is no output {@code name}
   * @throws IllegalStateException if the result is closed
   */
  public TensorBuffer get(String name) {
    if (closed) {
      throw new IllegalStateException("model " + model + ": result is closed");
    }
    TensorBuffer tensor = outputs.get(name);
    if (tensor == null) {
      throw new InferenceException("model " + model + ": no output \"" + name + "\" in this result; its outputs are "
          + names, name, null, null);
    }
    return tensor;
  }

  /** Frees every output tensor; closing again does nothing. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    outputs.values().forEach(TensorBuffer::close);
  }

  @Override
  public String toString() {
    return "InferenceResult[" + model + ", " + (closed ? "closed" : outputs.values().toString()) + "]";
  }
}
