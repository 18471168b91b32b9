package io.aifactory.examples.quality;

import io.aifactory.sdk.testkit.onnx.OnnxModel;
import io.aifactory.sdk.testkit.onnx.OnnxModels;
import io.aifactory.sdk.testkit.scenario.Recording;
import io.aifactory.sdk.testkit.scenario.Scenario;
import io.aifactory.sdk.testkit.scenario.Scenarios;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains one melt-flow-index model per product: development tooling, not part of the application (the app loads the
 * models it ships, pinned by their SHA-256 in {@code quality-soft-sensor.json}). Deterministic: the same code and
 * scenario give the same bytes.
 *
 * <p>Training data: the simulated line on ten other days (the scenario with seeds other than the demo's), sampled
 * as the demo's pipeline sees it (a row every 3 plant minutes: a 100 ms poll at 1800 times real time), paired with
 * the true melt flow index, until the melt sensor starts drifting (the scenario's {@code line.meltSensorDrift}). For
 * a real line, the rows come from the recorder's files: the {@code lab_melt_flow_index} labels with the samples before
 * each label's time.
 *
 * <p>The model is a linear regression on the window's mean of melt temperature, screw speed and melt pressure,
 * fitted by least squares on the windows that hold one product only. It is exported as one ONNX layer over the
 * flattened window {@code [batch, 5, 4] -> [batch, 4]}:
 * <ol start="0">
 *   <li>the predicted melt flow index;
 *   <li>the recipe the model was trained for (a constant);
 *   <li>the recipe in the window's newest row and
 *   <li>in its oldest row, read from the input by the model itself.
 * </ol>
 * Outputs 1 to 3 make every result say which product's model scored which product's data, so that a window scored by
 * the wrong model cannot go unnoticed, whatever chose the model.
 */
final class SoftSensorTrainer {
  static final String SCENARIO = "extrusion-line";
  static final String DEVICE = "line";
  static final List<String> FEATURES = List.of("line1.meltTemperature", "line1.screwSpeed", "line1.meltPressure");
  static final String RECIPE = "line1.recipe";
  static final String TRUTH = "simulation.trueMeltFlowIndex";
  static final int ROWS = 5;
  static final int WIDTH = FEATURES.size() + 1; // the window's columns: the features, then the recipe
  static final Duration ROW_SPACING = Duration.ofMinutes(3);
  static final long[] DAYS = {101, 102, 103, 104, 105, 106, 107, 108, 109, 110};
  static final Map<Integer, String> VARIANTS = Map.of(1, "PE100-pipe", 2, "LLDPE-film");

  /** A trained product model: its regression, its fit, and the ONNX model. */
  record Trained(int recipe, String variant, double intercept, double[] coefficients, int windows, double rmse,
      OnnxModel model) {
    String resource() {
      return "models/mfi-" + variant.toLowerCase(Locale.ROOT) + ".onnx";
    }
  }

  private SoftSensorTrainer() {}

  /** Trains every product's model, in recipe order. */
  static List<Trained> train() {
    Scenario scenario = Scenarios.load(SCENARIO);
    Duration until = scenario.event("line.meltSensorDrift").at();
    Map<Integer, List<double[]>> x = new LinkedHashMap<>();
    Map<Integer, List<Double>> y = new LinkedHashMap<>();
    for (long day : DAYS) {
      Recording r = Recording.of(scenario, day, until, ROW_SPACING);
      double[][] f = new double[FEATURES.size()][];
      for (int c = 0; c < f.length; c++) f[c] = r.column(DEVICE + "/" + FEATURES.get(c));
      double[] recipe = r.column(DEVICE + "/" + RECIPE);
      double[] truth = r.column(DEVICE + "/" + TRUTH);
      for (int end = ROWS - 1; end < r.rows(); end++) {
        int start = end - ROWS + 1;
        if (recipe[start] != recipe[end]) continue; // a changeover window: two products' data, no one's quality
        double[] mean = new double[f.length];
        for (int c = 0; c < f.length; c++) {
          for (int i = start; i <= end; i++) mean[c] += f[c][i] / ROWS;
        }
        x.computeIfAbsent((int) recipe[end], k -> new ArrayList<>()).add(mean);
        y.computeIfAbsent((int) recipe[end], k -> new ArrayList<>()).add(truth[end]);
      }
    }
    List<Trained> out = new ArrayList<>();
    for (int recipe : new java.util.TreeSet<>(x.keySet())) {
      out.add(fit(recipe, x.get(recipe), y.get(recipe)));
    }
    return out;
  }

  /** Least squares on centred features (better conditioned than raw temperatures around 200). */
  private static Trained fit(int recipe, List<double[]> xs, List<Double> ys) {
    int n = xs.size();
    int k = FEATURES.size();
    double[] mx = new double[k];
    double my = 0;
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < k; c++) mx[c] += xs.get(i)[c] / n;
      my += ys.get(i) / n;
    }
    double[][] a = new double[k][k + 1];
    for (int i = 0; i < n; i++) {
      double[] xi = xs.get(i);
      for (int r = 0; r < k; r++) {
        for (int c = 0; c < k; c++) a[r][c] += (xi[r] - mx[r]) * (xi[c] - mx[c]);
        a[r][k] += (xi[r] - mx[r]) * (ys.get(i) - my);
      }
    }
    double[] w = solve(a);
    double intercept = my;
    for (int c = 0; c < k; c++) intercept -= w[c] * mx[c];
    double sse = 0;
    for (int i = 0; i < n; i++) {
      double p = intercept;
      for (int c = 0; c < k; c++) p += w[c] * xs.get(i)[c];
      sse += (p - ys.get(i)) * (p - ys.get(i));
    }
    return new Trained(recipe, VARIANTS.get(recipe), intercept, w, n, Math.sqrt(sse / n),
        export(recipe, intercept, w));
  }

  /** Gaussian elimination with partial pivoting on an augmented matrix. */
  private static double[] solve(double[][] a) {
    int k = a.length;
    for (int p = 0; p < k; p++) {
      int best = p;
      for (int r = p + 1; r < k; r++) if (Math.abs(a[r][p]) > Math.abs(a[best][p])) best = r;
      double[] t = a[p];
      a[p] = a[best];
      a[best] = t;
      if (Math.abs(a[p][p]) < 1e-12) throw new IllegalStateException("training data do not vary enough to fit");
      for (int r = p + 1; r < k; r++) {
        double f = a[r][p] / a[p][p];
        for (int c = p; c <= k; c++) a[r][c] -= f * a[p][c];
      }
    }
    double[] w = new double[k];
    for (int r = k - 1; r >= 0; r--) {
      double s = a[r][k];
      for (int c = r + 1; c < k; c++) s -= a[r][c] * w[c];
      w[r] = s / a[r][r];
    }
    return w;
  }

  /** One layer over the flattened window; see the class comment for the four outputs. */
  static OnnxModel export(int recipe, double intercept, double[] w) {
    float[][] weights = new float[ROWS * WIDTH][4];
    for (int r = 0; r < ROWS; r++) {
      for (int c = 0; c < FEATURES.size(); c++) weights[r * WIDTH + c][0] = (float) (w[c] / ROWS);
    }
    int recipeColumn = FEATURES.size();
    weights[(ROWS - 1) * WIDTH + recipeColumn][2] = 1; // newest row: the window is chronological
    weights[recipeColumn][3] = 1; // oldest row
    float[] bias = {(float) intercept, recipe, 0, 0};
    return OnnxModels.mlp(new int[] {ROWS, WIDTH}, List.<float[][]>of(weights), List.<float[]>of(bias));
  }

  /** Writes the models into {@code args[0]} (default: the example's resources) and prints what the JSON pins. */
  public static void main(String[] args) {
    Path dir = Path.of(args.length > 0 ? args[0] : "src/main/resources");
    for (Trained t : train()) {
      Path file = dir.resolve(t.resource());
      t.model().writeTo(file);
      System.out.printf(Locale.ROOT, "recipe %d %s: %s sha256 %s; MFI = %.5f + %s . mean(melt, screw, pressure); "
              + "%d windows, RMSE %.4f%n", t.recipe(), t.variant(), file, t.model().sha256(), t.intercept(),
          java.util.Arrays.toString(t.coefficients()), t.windows(), t.rmse());
    }
  }
}
