package io.aifactory.examples.quality;

import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.core.pipeline.Model;
import io.aifactory.sdk.core.pipeline.ModelInfo;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.inference.InferenceSession;
import io.aifactory.sdk.inference.ModelDescription;
import io.aifactory.sdk.inference.ModelLease;
import io.aifactory.sdk.inference.ModelRegistry;
import io.aifactory.sdk.inference.OnnxRuntimeModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One regression model per product variant, seen by the pipeline as a single {@link Model}: each window is scored by
 * the model of the recipe in the window's own newest row, leased from a {@link ModelRegistry} that routes recipe
 * codes to models.
 *
 * <p>Why the window and not "the current recipe": a product change is an event on the line, but the windows still in
 * flight when it happens hold the old product's rows. Reading the recipe from the same rows the model scores makes it
 * impossible to score a window with the model of a product that is not in it; every variant's model stays loaded,
 * so the change costs no load and no gap. A window whose rows span the change (old rows, then new) is scored by the
 * new product's model: the material leaving the line now is the new product.
 *
 * <p>A batch of several lines running different products is split into runs of equal recipe, each scored by its own
 * model on views of the pipeline's tensors (no copy). A recipe without a model is a model error that names it; the
 * pipeline marks that line's results BAD (MODEL_ERROR) and keeps running.
 *
 * <p>A new version of a variant's model (retrained on the recorder's files) is deployed with
 * {@code registry().deploy(...)} while the pipeline runs: a run that started on the old version finishes on it.
 * Called from the pipeline's single thread, as every {@code Model}.
 */
public final class RecipeRoutedModel implements Model {
  private final String name;
  private final ModelRegistry registry;
  private final int recipeFeature;
  private final Map<Integer, Variant> variants;

  /** A product variant: its recipe code on the line, its name, the registry's model for it, its drift bound. */
  public record Variant(int recipe, String name, String modelName, double driftBound) {}

  /**
   * @param registry the deployed variant models, closed with this model
   * @param recipeFeature the column of the window that holds the recipe code
   * @param variants each variant's recipe must be routed in {@code registry} to its model
   */
  RecipeRoutedModel(String name, ModelRegistry registry, int recipeFeature, List<Variant> variants) {
    this.name = Objects.requireNonNull(name, "name");
    this.registry = Objects.requireNonNull(registry, "registry");
    if (recipeFeature < 0) throw new IllegalArgumentException("recipeFeature < 0: " + recipeFeature);
    this.recipeFeature = recipeFeature;
    Map<Integer, Variant> byRecipe = new LinkedHashMap<>();
    for (Variant v : variants) {
      if (byRecipe.put(v.recipe(), v) != null) throw new IllegalArgumentException("recipe " + v.recipe() + " twice");
    }
    if (byRecipe.isEmpty()) throw new IllegalArgumentException("no variants");
    this.variants = Collections.unmodifiableMap(byRecipe);
  }

  /** Returns the variants by recipe code, in the order of the config. */
  public Map<Integer, Variant> variants() {
    return variants;
  }

  /** Returns the registry holding one model per variant, for deploying a retrained version or rolling back. */
  public ModelRegistry registry() {
    return registry;
  }

  /** Returns the column of the window that holds the recipe code. */
  public int recipeFeature() {
    return recipeFeature;
  }

  /** Returns what runs for {@code recipe} now: model name, active version, SHA-256 of its bytes, runtime. */
  public ModelInfo info(int recipe) {
    return OnnxRuntimeModel.routed(registry, key(variant(recipe).recipe())).info();
  }

  /** Describes the whole: this model's name and each variant's active version, e.g. {@code 1=1, 2=3}. */
  @Override
  public ModelInfo info() {
    List<String> versions = new ArrayList<>();
    String runtime = "";
    for (Variant v : variants.values()) {
      ModelInfo i = info(v.recipe());
      versions.add(v.recipe() + "=" + i.version());
      runtime = i.runtime();
    }
    return new ModelInfo(name, String.join(", ", versions), "", runtime);
  }

  /** Checks every variant's model against the pipeline's tensors, so that a wrong one fails at start, not at its first window. */
  @Override
  public void check(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs) {
    TensorBuffer in = only(inputs, "input");
    TensorBuffer out = only(outputs, "output");
    if (in.rank() != 3 || recipeFeature >= in.dim(2)) {
      throw new InferenceException("model " + name + ": recipe feature " + recipeFeature + " is not a column of the "
          + "window " + java.util.Arrays.toString(in.shape()));
    }
    for (Variant v : variants.values()) {
      try (ModelLease lease = registry.leaseFor(key(v.recipe()))) {
        InferenceSession session = lease.session();
        ModelDescription d = session.description();
        try {
          session.check(Map.of(d.inputs().get(0).name(), in), Map.of(d.outputs().get(0).name(), out));
        } catch (InferenceException e) {
          throw new InferenceException("model " + name + ", recipe " + v.recipe() + " (" + v.name() + "): "
              + e.getMessage(), e);
        }
      }
    }
  }

  @Override
  public void run(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs) {
    TensorBuffer in = only(inputs, "input");
    TensorBuffer out = only(outputs, "output");
    int batch = in.dim(0);
    int start = 0;
    int recipe = recipeOf(in, 0);
    for (int i = 1; i < batch; i++) {
      int next = recipeOf(in, i);
      if (next != recipe) {
        score(recipe, in.slice(start, i - start), out.slice(start, i - start));
        start = i;
        recipe = next;
      }
    }
    // The usual case, one recipe for the whole batch, runs on the pipeline's own tensors: no view, no copy.
    if (start == 0) {
      score(recipe, in, out);
    } else {
      score(recipe, in.slice(start, batch - start), out.slice(start, batch - start));
    }
  }

  private void score(int recipe, TensorBuffer in, TensorBuffer out) {
    variant(recipe); // a recipe without a model fails here, by name, rather than with the registry's key list
    try (ModelLease lease = registry.leaseFor(key(recipe))) {
      InferenceSession session = lease.session();
      ModelDescription d = session.description();
      session.run(Map.of(d.inputs().get(0).name(), in), Map.of(d.outputs().get(0).name(), out));
    }
  }

  /** Returns the recipe code in the newest row of window {@code index} of the batch. */
  private int recipeOf(TensorBuffer in, int index) {
    int rows = in.dim(1);
    int features = in.dim(2);
    float code = in.getFloat(((index * rows) + rows - 1) * features + recipeFeature);
    if (!(code == Math.rint(code))) {
      throw new InferenceException("model " + name + ": the window's recipe column " + recipeFeature + " holds " + code
          + ", not a recipe code (is the pipeline normalising it? give it mean 0 and std 1)");
    }
    return (int) code;
  }

  private Variant variant(int recipe) {
    Variant v = variants.get(recipe);
    if (v == null) {
      List<String> known = new ArrayList<>();
      variants.values().forEach(k -> known.add(k.recipe() + " " + k.name()));
      throw new InferenceException("model " + name + ": no model for recipe " + recipe + " (variants: "
          + String.join(", ", known) + ")");
    }
    return v;
  }

  static String key(int recipe) {
    return Integer.toString(recipe);
  }

  private TensorBuffer only(Map<String, TensorBuffer> tensors, String what) {
    if (tensors.size() != 1) {
      throw new InferenceException("model " + name + ": expected one " + what + " tensor, found " + tensors.keySet());
    }
    return tensors.values().iterator().next();
  }

  /** Closes the registry: every variant's model, once its last run has finished. */
  @Override
  public void close() {
    registry.close();
  }

  @Override
  public String toString() {
    return "RecipeRoutedModel[" + name + " " + variants.values() + "]";
  }
}
