package io.aifactory.examples.spindle;

import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.testkit.onnx.OnnxModel;
import io.aifactory.sdk.testkit.onnx.Pca;
import io.aifactory.sdk.testkit.scenario.Recording;
import io.aifactory.sdk.testkit.scenario.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The anomaly model of one spindle: a PCA fitted on healthy rows, exported as ONNX.
 *
 * <p>Training data: the scenario's {@link Recording} (the same signals the simulated PLC serves, sampled without
 * starting it, each row labelled with the scenario events under way). A row is healthy for a spindle when no event
 * of that spindle or of its PLC is under way: spindle 2 learns from its first 120 s (its bearing fault starts
 * then), spindle 3 from everything but its 0.5 s chip at 90 s, spindle 1 from the whole recording (the PLC drops its
 * connections at 600 s). The longer the healthy period, the less a slow drift (the simulated temperatures are
 * random walks) looks like a fault. For a real machine, replace {@link #train} by rows from your own historian,
 * from periods your maintenance records call healthy: the rest of the app does not care where the rows came from.
 *
 * <p>The per-column mean and standard deviation of the healthy rows normalise the {@code Window}; the PCA is fitted
 * on the normalised rows, so training and live inference see the same numbers. The model scores each row by its
 * reconstruction error (mean squared residual of the normalised row outside the principal components).
 */
final class HealthyModel {
  final String name;
  final Path file;
  final String sha256;
  final double[] mean;
  final double[] std;
  final int trainingRows;

  private HealthyModel(String name, Path file, String sha256, double[] mean, double[] std, int trainingRows) {
    this.name = name;
    this.file = file;
    this.sha256 = sha256;
    this.mean = mean;
    this.std = std;
    this.trainingRows = trainingRows;
  }

  /**
   * Fits the model of one spindle on its healthy rows of a scenario recording and writes it to
   * {@code dir/<spindle>-pca.onnx}.
   *
   * @param length how much of the scenario to record
   * @param device the PLC's name: its events (a connection drop) are not healthy either
   * @param columns the recording columns ({@code device/tag}) in the window's column order
   */
  static HealthyModel train(Scenario scenario, Duration length, Duration step, int components, String device,
      String spindle, List<String> columns, Path dir) {
    Recording recording = Recording.of(scenario, scenario.seed(), length, step);
    int[] index = new int[columns.size()];
    for (int c = 0; c < index.length; c++) {
      index[c] = recording.columns().indexOf(columns.get(c));
      if (index[c] < 0) throw new IllegalArgumentException("scenario '" + scenario.name() + "' has no column '" + columns.get(c) + "' (columns: " + recording.columns() + ")");
    }
    List<double[]> rows = new ArrayList<>();
    for (int r = 0; r < recording.rows(); r++) {
      boolean healthy = recording.labels(r).stream()
          .noneMatch(event -> event.startsWith(spindle + ".") || event.startsWith(device + "."));
      if (!healthy) continue;
      double[] row = new double[index.length];
      boolean complete = true;
      for (int c = 0; c < index.length; c++) {
        row[c] = recording.value(r, index[c]);
        complete &= !Double.isNaN(row[c]);
      }
      if (complete) rows.add(row); // and every value present
    }
    int features = index.length;
    double[] mean = new double[features];
    double[] std = new double[features];
    for (double[] row : rows) for (int c = 0; c < features; c++) mean[c] += row[c] / rows.size();
    for (double[] row : rows) for (int c = 0; c < features; c++) std[c] += (row[c] - mean[c]) * (row[c] - mean[c]) / rows.size();
    for (int c = 0; c < features; c++) std[c] = Math.max(Math.sqrt(std[c]), 1e-6);

    float[][] normalised = new float[rows.size()][features];
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < features; c++) normalised[r][c] = (float) ((rows.get(r)[c] - mean[c]) / std[c]);
    }
    OnnxModel onnx = Pca.fit(normalised, components).model();
    String name = spindle + "-pca";
    // The SHA-256 is taken now, from the bytes just built; the session refuses a file that differs from them.
    Path file = onnx.writeTo(dir.resolve(name + ".onnx"));
    return new HealthyModel(name, file, onnx.sha256(), mean, std, rows.size());
  }

  /** Where the session loads the model from: the file, pinned to the SHA-256 it was written with. */
  ModelSource source() {
    return ModelSource.ofPath(file).pinnedTo(sha256);
  }

  /** A short version for dashboards: the first 12 hex digits of the SHA-256. */
  String version() {
    return sha256.substring(0, 12);
  }
}
