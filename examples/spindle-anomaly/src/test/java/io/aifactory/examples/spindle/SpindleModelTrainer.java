package io.aifactory.examples.spindle;

import io.aifactory.sdk.testkit.onnx.OnnxModel;
import io.aifactory.sdk.testkit.onnx.OnnxModels;
import io.aifactory.sdk.testkit.onnx.Pca;
import io.aifactory.sdk.testkit.scenario.Recording;
import io.aifactory.sdk.testkit.scenario.Scenario;
import io.aifactory.sdk.testkit.scenario.Scenarios;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Trains the example's model on healthy data: development tooling, not part of the application (the app loads the
 * model it ships, {@code models/spindle-pca.onnx}, pinned by its SHA-256 in {@code spindle-anomaly.json}).
 *
 * <p>Training data: the simulated line's own {@link Recording} (the same signals the simulated PLC serves, each row
 * labelled with the scenario events under way). A row is healthy for a spindle when no event of that spindle or of
 * its PLC is under way: spindle 2 learns from its first 120 s (its bearing fault starts then), spindle 3 from
 * everything but its 0.5 s chip at 90 s, spindle 1 from the whole recording. For a real line, replace the recording
 * with rows from your historian, from periods your maintenance records call healthy.
 *
 * <p>Each spindle is normalised with its own healthy mean and standard deviation (the pipeline does this per
 * machine, from the JSON), so one PCA, fitted on every spindle's normalised rows, scores all of them in one batch:
 * a window's score is the mean squared residual of its rows outside the principal component.
 *
 * <p>Run {@code main} to regenerate the model and print the JSON normalisation; {@code SpindleModelTrainerTest}
 * checks that the shipped files are exactly what this produces.
 */
final class SpindleModelTrainer {
  static final String SCENARIO = "spindle-line";
  static final String DEVICE = "line-plc";
  static final List<String> SPINDLES = List.of("spindle1", "spindle2", "spindle3");
  static final List<String> FEATURES = List.of("speed", "motorCurrent", "temperature", "vibrationRms");
  static final int WINDOW_ROWS = 10;

  final double[][] mean = new double[SPINDLES.size()][];
  final double[][] std = new double[SPINDLES.size()][];
  final OnnxModel model;

  private SpindleModelTrainer() {
    Scenario scenario = Scenarios.load(SCENARIO);
    Recording recording = Recording.of(scenario, scenario.seed(), Duration.ofSeconds(600), Duration.ofMillis(100));
    List<float[]> pooled = new ArrayList<>();
    for (int s = 0; s < SPINDLES.size(); s++) {
      List<double[]> rows = healthyRows(recording, SPINDLES.get(s));
      int f = FEATURES.size();
      mean[s] = new double[f];
      std[s] = new double[f];
      for (double[] row : rows) for (int c = 0; c < f; c++) mean[s][c] += row[c] / rows.size();
      for (double[] row : rows) for (int c = 0; c < f; c++) std[s][c] += Math.pow(row[c] - mean[s][c], 2) / rows.size();
      for (int c = 0; c < f; c++) std[s][c] = Math.max(Math.sqrt(std[s][c]), 1e-6);
      for (double[] row : rows) {
        float[] z = new float[f];
        for (int c = 0; c < f; c++) z[c] = (float) ((row[c] - mean[s][c]) / std[s][c]);
        pooled.add(z);
      }
    }
    Pca pca = Pca.fit(pooled.toArray(new float[0][]), 1);
    model = OnnxModels.pcaWindowError(WINDOW_ROWS, pca.components());
  }

  static SpindleModelTrainer train() {
    return new SpindleModelTrainer();
  }

  private static List<double[]> healthyRows(Recording recording, String spindle) {
    int[] index = new int[FEATURES.size()];
    for (int c = 0; c < index.length; c++) {
      index[c] = recording.columns().indexOf(DEVICE + "/" + spindle + "." + FEATURES.get(c));
      if (index[c] < 0) throw new IllegalStateException("no column " + spindle + "." + FEATURES.get(c));
    }
    List<double[]> rows = new ArrayList<>();
    for (int r = 0; r < recording.rows(); r++) {
      boolean healthy = recording.labels(r).stream()
          .noneMatch(event -> event.startsWith(spindle + ".") || event.startsWith(DEVICE + "."));
      double[] row = new double[index.length];
      boolean complete = true;
      for (int c = 0; c < index.length; c++) {
        row[c] = recording.value(r, index[c]);
        complete &= !Double.isNaN(row[c]);
      }
      if (healthy && complete) rows.add(row);
    }
    return rows;
  }

  /** Writes the model to {@code args[0]} (default: the example's resources) and prints the JSON it needs. */
  public static void main(String[] args) {
    SpindleModelTrainer t = train();
    Path file = Path.of(args.length > 0 ? args[0] : "src/main/resources/models/spindle-pca.onnx");
    t.model.writeTo(file);
    System.out.println("model " + file + " sha256 " + t.model.sha256());
    for (int s = 0; s < SPINDLES.size(); s++) {
      System.out.println(SPINDLES.get(s) + " \"mean\": " + json(t.mean[s]) + ", \"std\": " + json(t.std[s]));
    }
  }

  static String json(double[] values) {
    return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.6g", v)).toList().toString();
  }
}
