package io.aifactory.examples.energy;

import io.aifactory.sdk.testkit.onnx.OnnxModel;
import io.aifactory.sdk.testkit.onnx.OnnxModels;
import io.aifactory.sdk.testkit.scenario.Recording;
import io.aifactory.sdk.testkit.scenario.Scenario;
import io.aifactory.sdk.testkit.scenario.Scenarios;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains the example's model: development tooling, not part of the application (the app loads the model it ships,
 * {@code models/energy-setpoint.onnx}, pinned by its SHA-256 in {@code energy-setpoint.json}).
 *
 * <p>Training data: ten minutes of the simulated compressed-air system's {@link Recording} at its unchanged setpoint
 * (7.5 bar), as a historian would hold it before any AI touched the plant. Over its steady rows (demand steady for
 * 10 s), two straight lines are fitted by least squares against the air demand:
 * <ul>
 *   <li>the pressure the network loses between compressors and consumers, {@code setpoint − pressure ≈ a + b ×
 *       demand}: from it, the lowest setpoint that still gives the consumers {@link #TARGET_PRESSURE} bar;</li>
 *   <li>the compressors' power at the unchanged setpoint, {@code power ≈ c0 + c1 × demand}: the baseline that energy
 *       savings are measured against (what the plant would have drawn had nobody changed the setpoint).</li>
 * </ul>
 *
 * <p>The model is one linear layer over the window {@code [rows, 3]} (demand, pressure, power), so it is exact to
 * read: output 0 is the proposed setpoint {@code TARGET + a + b × mean(demand)}; output 1 the baseline power
 * {@code c0 + c1 × mean(demand)}; output 2 the power saved, baseline minus {@code mean(power)}; output 3 how far the
 * mean pressure is below {@link #LOW_PRESSURE_ALARM} bar (positive: alarm). A real plant fits the same lines on its
 * historian; a better model (say, one that anticipates demand) changes the weights, not the app.
 *
 * <p>Run {@code main} to regenerate the model; {@code EnergyModelTrainerTest} checks that the shipped file is exactly
 * what this produces.
 */
final class EnergyModelTrainer {
  static final String SCENARIO = "compressed-air";
  static final String DEVICE = "compressor-plc";
  static final List<String> FEATURES = List.of("demand", "pressure", "power");
  static final int WINDOW_ROWS = 8;
  /** The setpoint the plant runs at today: the baseline of the savings. */
  static final double UNCHANGED_SETPOINT = 7.5;
  /** The consumers need 6.0 bar; the model aims 0.35 bar above for ordinary swings of demand. */
  static final double TARGET_PRESSURE = 6.35;
  static final double LOW_PRESSURE_ALARM = 6.1;

  static final Duration STEP = Duration.ofMillis(250);

  final int steadyRows;
  final double[] pressureDrop; // a, b
  final double[] baselinePower; // c0, c1
  final OnnxModel model;

  private EnergyModelTrainer() {
    Scenario scenario = Scenarios.load(SCENARIO);
    Recording r = Recording.of(scenario, scenario.seed(), Duration.ofSeconds(600), STEP);
    double[] demand = r.column(DEVICE + "/demand");
    double[] pressure = r.column(DEVICE + "/pressure");
    double[] power = r.column(DEVICE + "/power");
    // Steady rows only: where demand moved less than 1 m³/min over the last 10 s. Right after a demand step the
    // pressure and power still lag behind it, and fitting those rows would flatten both lines.
    int back = (int) (Duration.ofSeconds(10).toMillis() / STEP.toMillis());
    List<double[]> steady = new ArrayList<>();
    for (int i = back; i < demand.length; i++) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = i - back; j <= i; j++) {
        min = Math.min(min, demand[j]);
        max = Math.max(max, demand[j]);
      }
      if (max - min < 1.0) steady.add(new double[] {demand[i], UNCHANGED_SETPOINT - pressure[i], power[i]});
    }
    double[] x = new double[steady.size()];
    double[] drop = new double[steady.size()];
    double[] kw = new double[steady.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = steady.get(i)[0];
      drop[i] = steady.get(i)[1];
      kw[i] = steady.get(i)[2];
    }
    steadyRows = x.length;
    pressureDrop = fitLine(x, drop);
    baselinePower = fitLine(x, kw);

    int n = WINDOW_ROWS;
    int f = FEATURES.size();
    float[][] w = new float[n * f][4];
    for (int row = 0; row < n; row++) {
      int d = row * f;
      w[d][0] = (float) (pressureDrop[1] / n);
      w[d][1] = (float) (baselinePower[1] / n);
      w[d][2] = (float) (baselinePower[1] / n);
      w[d + 2][2] = (float) (-1.0 / n);
      w[d + 1][3] = (float) (-1.0 / n);
    }
    float[] bias = {(float) (TARGET_PRESSURE + pressureDrop[0]), (float) baselinePower[0], (float) baselinePower[0],
        (float) LOW_PRESSURE_ALARM};
    model = OnnxModels.mlp(new int[] {n, f}, List.<float[][]>of(w), List.<float[]>of(bias));
  }

  static EnergyModelTrainer train() {
    return new EnergyModelTrainer();
  }

  /** Returns {intercept, slope} of the least-squares line y ≈ intercept + slope × x. */
  static double[] fitLine(double[] x, double[] y) {
    double mx = 0;
    double my = 0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i] / x.length;
      my += y[i] / x.length;
    }
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    double slope = sxy / sxx;
    return new double[] {my - slope * mx, slope};
  }

  /** Writes the model to {@code args[0]} (default: the example's resources) and prints what it learned. */
  public static void main(String[] args) {
    EnergyModelTrainer t = train();
    Path file = Path.of(args.length > 0 ? args[0] : "src/main/resources/models/energy-setpoint.onnx");
    t.model.writeTo(file);
    System.out.println("model " + file + " sha256 " + t.model.sha256());
    System.out.println(t.steadyRows + " steady rows");
    System.out.println(String.format(Locale.ROOT, "pressure drop = %.4f + %.4f x demand; baseline power = %.3f + %.4f x demand",
        t.pressureDrop[0], t.pressureDrop[1], t.baselinePower[0], t.baselinePower[1]));
  }
}
