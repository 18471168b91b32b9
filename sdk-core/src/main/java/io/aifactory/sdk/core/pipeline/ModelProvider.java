package io.aifactory.sdk.core.pipeline;

import io.aifactory.sdk.core.config.ConfigNode;
import java.nio.file.Path;

/**
 * Opens models of one type from a JSON app's config, found through {@link java.util.ServiceLoader} like device
 * drivers: {@code aifactory-sdk-inference} provides type {@code onnx}. A vendor adds its own type (a Java
 * model, a remote model) by listing its provider in {@code META-INF/services/io.aifactory.sdk.core.pipeline.ModelProvider}.
 */
public interface ModelProvider {
  /** Returns the value of a model's {@code "type"} field that this provider opens, e.g. {@code onnx}. */
  String type();

  /**
   * Opens the model that {@code node} describes. The node holds the whole model object, including the
   * {@code name} and {@code type} fields; refuse every field you do not know with {@link ConfigNode#checkFields}.
   *
   * @param baseDirectory the folder of the config file, against which relative paths are resolved
   * @throws io.aifactory.sdk.core.ConfigurationException naming the field, for a mistake in the config
   * @throws io.aifactory.sdk.core.InferenceException if the model cannot be loaded
   */
  Model open(ConfigNode node, Path baseDirectory);
}
