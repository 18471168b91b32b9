package io.aifactory.sdk.inference;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * What a model says about itself: producer, versions, graph name and custom {@code metadata_props} keys
 * (a data scientist's place for the features, units and training data a model expects). Immutable.
 */
public final class ModelMetadata {
  private final String producerName;
  private final String producerVersion;
  private final String domain;
  private final String description;
  private final String graphName;
  private final OptionalLong modelVersion;
  private final long irVersion;
  private final long opsetVersion;
  private final Map<String, String> custom;

  public ModelMetadata(String producerName, String producerVersion, String domain, String description,
      String graphName, OptionalLong modelVersion, long irVersion, long opsetVersion, Map<String, String> custom) {
    this.producerName = Objects.requireNonNull(producerName, "producerName");
    this.producerVersion = Objects.requireNonNull(producerVersion, "producerVersion");
    this.domain = Objects.requireNonNull(domain, "domain");
    this.description = Objects.requireNonNull(description, "description");
    this.graphName = Objects.requireNonNull(graphName, "graphName");
    this.modelVersion = Objects.requireNonNull(modelVersion, "modelVersion");
    this.irVersion = irVersion;
    this.opsetVersion = opsetVersion;
    this.custom = Map.copyOf(custom);
  }

  public String producerName() {
    return producerName;
  }

  public String producerVersion() {
    return producerVersion;
  }

  public String domain() {
    return domain;
  }

  public String description() {
    return description;
  }

  public String graphName() {
    return graphName;
  }

  /**
   * Returns {@code model_version}, the version the model's author gave it, or empty if the file has none (ONNX
   * Runtime itself would report {@code Long.MAX_VALUE}).
   */
  public OptionalLong modelVersion() {
    return modelVersion;
  }

  /** Returns the ONNX IR version the file is written in. */
  public long irVersion() {
    return irVersion;
  }

  /** Returns the default-domain opset the model imports, or 0 if it imports none. */
  public long opsetVersion() {
    return opsetVersion;
  }

  /** Returns the custom metadata entries ({@code metadata_props}). */
  public Map<String, String> custom() {
    return custom;
  }

  @Override
  public String toString() {
    return "ModelMetadata{producer=" + producerName + " " + producerVersion + ", graph=" + graphName
        + ", modelVersion=" + (modelVersion.isPresent() ? Long.toString(modelVersion.getAsLong()) : "none") + ", ir=" + irVersion + ", opset=" + opsetVersion
        + ", custom=" + new TreeMap<>(custom) + "}";
  }
}
