package io.aifactory.sdk.inference;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A loaded model's inputs, outputs, metadata, and where it came from. Immutable. */
public final class ModelDescription {
  private final String source;
  private final String sha256;
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;
  private final ModelMetadata metadata;

  public ModelDescription(String source, String sha256, List<TensorSpec> inputs, List<TensorSpec> outputs,
      ModelMetadata metadata) {
    this.source = Objects.requireNonNull(source, "source");
    this.sha256 = Objects.requireNonNull(sha256, "sha256");
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.metadata = Objects.requireNonNull(metadata, "metadata");
  }

  /** Returns the file, resource or name the model was loaded from. */
  public String source() {
    return source;
  }

  /** Returns the SHA-256 of the model's bytes, lower-case hex. */
  public String sha256() {
    return sha256;
  }

  /** Returns the inputs in the model's order. */
  public List<TensorSpec> inputs() {
    return inputs;
  }

  /** Returns the outputs in the model's order. */
  public List<TensorSpec> outputs() {
    return outputs;
  }

  public Optional<TensorSpec> input(String name) {
    return inputs.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  public Optional<TensorSpec> output(String name) {
    return outputs.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  public ModelMetadata metadata() {
    return metadata;
  }

  @Override
  public String toString() {
    return "ModelDescription{source=" + source + ", inputs=" + inputs + ", outputs=" + outputs + ", "
        + metadata + "}";
  }
}
