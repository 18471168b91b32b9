package io.aifactory.examples.quality;

import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.core.pipeline.Model;
import io.aifactory.sdk.core.pipeline.ModelProvider;
import io.aifactory.sdk.inference.InferenceOptions;
import io.aifactory.sdk.inference.ModelRegistry;
import io.aifactory.sdk.inference.ModelSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Opens models of type {@value #TYPE} from the app's JSON (found through {@code META-INF/services}, like the SDK's own
 * {@code onnx} type), so that the per-product models are configuration, not code:
 *
 * <pre>{@code
 * { "name": "melt-flow-index", "type": "recipe-routed", "recipeFeature": 3, "intraOpThreads": 1,
 *   "variants": [
 *     { "recipe": 1, "name": "PE100-pipe", "resource": "models/mfi-pe100-pipe.onnx", "sha256": "…", "version": "1",
 *       "driftBound": 0.03 },
 *     { "recipe": 2, "name": "LLDPE-film", "path": "models/mfi-lldpe-film.onnx", "sha256": "…", "version": "1",
 *       "driftBound": 0.05 } ] }
 * }</pre>
 *
 * <p>Each variant is deployed into one {@link ModelRegistry} as {@code <name>/<variant>} and routed by its recipe code.
 * {@code path} is relative to the config's folder, {@code resource} is on the class path; {@code sha256} pins the
 * bytes (a model that is not exactly the one validated for that product is refused). {@code driftBound} is the mean
 * absolute difference between predictions and lab results above which the product's model is declared drifted.
 */
public final class RecipeRoutedModelProvider implements ModelProvider {
  static final String TYPE = "recipe-routed";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Model open(ConfigNode node, Path baseDirectory) {
    node.checkFields("name", "type", "recipeFeature", "variants", "intraOpThreads");
    String name = node.text("name");
    long feature = node.integer("recipeFeature", -1);
    if (feature < 0) throw node.error("recipeFeature", "expected the window column of the recipe code (0, 1, …)");
    long threads = node.integer("intraOpThreads", 1);
    if (threads < 0 || threads > Short.MAX_VALUE) {
      throw node.error("intraOpThreads", "expected 0 (ONNX Runtime's default) or a thread count, found " + threads);
    }
    // A regression over one window is microseconds of work: one thread each, so that the models do not compete with
    // the drivers and the pipeline for the gateway's cores.
    ModelRegistry registry = ModelRegistry.create(InferenceOptions.newBuilder().intraOpThreads((int) threads).build());
    try {
      List<RecipeRoutedModel.Variant> variants = new ArrayList<>();
      Set<String> names = new HashSet<>();
      List<ConfigNode> items = node.array("variants");
      if (items.isEmpty()) throw node.error("variants", "expected at least one product variant");
      for (ConfigNode v : items) {
        v.checkFields("recipe", "name", "resource", "path", "sha256", "version", "driftBound");
        String variant = v.text("name");
        if (!names.add(variant)) throw v.error("name", "duplicate variant name '" + variant + "'");
        int recipe = (int) v.integer("recipe", 0);
        if (variants.stream().anyMatch(x -> x.recipe() == recipe)) {
          throw v.error("recipe", "recipe " + recipe + " has a model already");
        }
        double bound = v.number("driftBound");
        if (!(bound > 0)) throw v.error("driftBound", "expected a bound > 0, found " + bound);
        String modelName = name + "/" + variant;
        try {
          registry.deploy(modelName, v.text("version", ""), source(v, baseDirectory));
        } catch (InferenceException e) {
          throw v.error("", "variant '" + variant + "': " + e.getMessage(), e);
        }
        registry.route(RecipeRoutedModel.key(recipe), modelName);
        variants.add(new RecipeRoutedModel.Variant(recipe, variant, modelName, bound));
      }
      return new RecipeRoutedModel(name, registry, (int) feature, variants);
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  private static ModelSource source(ConfigNode v, Path baseDirectory) {
    if (v.has("path") == v.has("resource")) {
      throw v.error("", "expected exactly one of path (a file) or resource (on the class path)");
    }
    ModelSource source;
    if (v.has("resource")) {
      String resource = v.text("resource");
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      loader = loader != null ? loader : RecipeRoutedModelProvider.class.getClassLoader();
      if (loader.getResource(resource) == null) throw v.error("resource", "no model resource '" + resource + "'");
      source = ModelSource.ofResource(loader, resource);
    } else {
      Path file = baseDirectory.resolve(v.text("path")).normalize();
      if (!Files.isRegularFile(file)) throw v.error("path", "model file not found: " + file.toAbsolutePath());
      source = ModelSource.ofPath(file);
    }
    if (!v.has("sha256")) {
      // One file per product, swapped by whoever retrains: without a pin a wrong file would score a product silently.
      throw v.error("sha256", "missing: pin each variant's model to the SHA-256 of the file validated for it");
    }
    return v.convert("sha256", source::pinnedTo);
  }
}
