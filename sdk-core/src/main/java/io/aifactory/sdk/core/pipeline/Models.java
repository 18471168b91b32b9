package io.aifactory.sdk.core.pipeline;

import io.aifactory.sdk.core.config.ConfigNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Opens models from config through the installed {@link ModelProvider}s, found by type on each call. */
public final class Models {
  private Models() {}

  /**
   * Opens the model {@code node} describes with the provider of its {@code type}.
   *
   * @throws io.aifactory.sdk.core.ConfigurationException at {@code type} if no installed provider has it, listing
   *     the installed types
   */
  public static Model open(ConfigNode node, Path baseDirectory) {
    String type = node.text("type");
    for (ModelProvider provider : providers()) {
      if (provider.type().equals(type)) {
        return provider.open(node, baseDirectory);
      }
    }
    throw node.error("type", "no model provider for type '" + type + "' (installed types: " + installedTypes()
        + "; add aifactory-sdk-inference to the class path for onnx)");
  }

  /** Returns the types of every installed provider, sorted. */
  public static List<String> installedTypes() {
    TreeSet<String> types = new TreeSet<>();
    for (ModelProvider provider : providers()) {
      types.add(provider.type());
    }
    return new ArrayList<>(types);
  }

  private static Iterable<ModelProvider> providers() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return ServiceLoader.load(ModelProvider.class, loader != null ? loader : Models.class.getClassLoader());
  }
}
