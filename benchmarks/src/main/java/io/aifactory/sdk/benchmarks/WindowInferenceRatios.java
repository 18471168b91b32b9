package io.aifactory.sdk.benchmarks;

import java.util.List;
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
        double[] median = Interleaving.medianNanosPerCall(List.of(b::reusedTensor, b::freshView,
            b::copyAndCreateTensor), rounds, roundNanos, 3);
        double floor = median[0];
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-5s: %s %7.2f us", model, PATHS[0],
            floor / 1000));
        for (int p = 1; p < PATHS.length; p++) {
          double m = median[p];
          line.append(String.format(Locale.ROOT, " | %s %7.2f us = %.2fx", PATHS[p], m / 1000, m / floor));
        }
        System.out.println(line);
      } finally {
        b.tearDown();
      }
    }
  }

}
