package io.aifactory.sdk.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * A cross-check for {@link WindowInferenceBenchmark} on a shared, loaded machine, as {@link InterleavedRatios} is
 * for {@link InferenceBenchmark}: the three paths alternate in short rounds, and each path's median round is
 * reported as a ratio to the floor ({@code reusedTensor}).
 *
 * <p>Run with {@code java -cp benchmarks/target/benchmarks.jar io.aifactory.sdk.benchmarks.WindowInferenceRatios}.
 */
public final class WindowInferenceRatios {
  private static final String[] PATHS = {"reusedTensor", "freshView", "copyAndCreateTensor"};

  private WindowInferenceRatios() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    long roundNanos = 100_000_000L;
    for (WindowInferenceBenchmark.WindowModel model : WindowInferenceBenchmark.WindowModel.values()) {
      WindowInferenceBenchmark b = new WindowInferenceBenchmark();
      b.model = model;
      b.setUp();
      try {
        double[][] perCall = new double[PATHS.length][rounds];
        for (int p = 0; p < PATHS.length; p++) {
          measure(b, p, roundNanos * 3); // warm-up
        }
        for (int r = 0; r < rounds; r++) {
          for (int p = 0; p < PATHS.length; p++) {
            perCall[p][r] = measure(b, p, roundNanos);
          }
        }
        double floor = median(perCall[0]);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-5s: %s %7.2f us", model, PATHS[0],
            floor / 1000));
        for (int p = 1; p < PATHS.length; p++) {
          double m = median(perCall[p]);
          line.append(String.format(Locale.ROOT, " | %s %7.2f us = %.2fx", PATHS[p], m / 1000, m / floor));
        }
        System.out.println(line);
      } finally {
        b.tearDown();
      }
    }
  }

  /** Returns the mean nanoseconds per call of path {@code p} over about {@code nanos}. */
  private static double measure(WindowInferenceBenchmark b, int p, long nanos) throws Exception {
    long start = System.nanoTime();
    long calls = 0;
    float sink = 0;
    long now;
    do {
      switch (p) {
        case 0: sink += b.reusedTensor(); break;
        case 1: sink += b.freshView(); break;
        default: sink += b.copyAndCreateTensor(); break;
      }
      calls++;
      now = System.nanoTime();
    } while (now - start < nanos);
    if (sink == 42.4242f) {
      System.out.print("");
    }
    return (double) (now - start) / calls;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
