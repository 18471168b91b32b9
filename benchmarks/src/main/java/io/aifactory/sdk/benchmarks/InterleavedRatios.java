package io.aifactory.sdk.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A cross-check for {@link InferenceBenchmark} on a shared, loaded machine: the paths alternate in short rounds
 * ({@link Interleaving}) and each path's median is reported as a ratio to the floor.
 *
 * <p>Run with {@code java -cp benchmarks/target/benchmarks.jar io.aifactory.sdk.benchmarks.InterleavedRatios [rounds]
 * [roundMillis] [MLP,PCA] [results.json]}; with a path, the medians are also written there as JSON for
 * {@code benchmarks/render.py}.
 */
public final class InterleavedRatios {
  private static final String[] PATHS = {"ortDirectFloor", "sdkBinding", "sdkRun", "sdkWindowView", "ortDirectBuffers",
      "ortFloatArrays", "djlPredictor", "djlPredictorReusedInput"};

  private InterleavedRatios() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    long roundNanos = (args.length > 1 ? Long.parseLong(args[1]) : 100) * 1_000_000L;
    BenchmarkModels[] models = args.length > 2
        ? Arrays.stream(args[2].split(",")).map(BenchmarkModels::valueOf).toArray(BenchmarkModels[]::new)
        : BenchmarkModels.values();
    java.util.List<String> json = new java.util.ArrayList<>();
    for (BenchmarkModels model : models) {
      for (int batch : new int[] {1, 64}) {
        InferenceBenchmark b = new InferenceBenchmark();
        b.model = model;
        b.batch = batch;
        b.setUp();
        try {
          double[] median = Interleaving.medianNanosPerCall(List.of(b::ortDirectFloor, b::sdkBinding, b::sdkRun,
              b::sdkWindowView, b::ortDirectBuffers, () -> b.ortFloatArrays()[0][0], b::djlPredictor,
              b::djlPredictorReusedInput), rounds, roundNanos, 3);
          double floor = median[0];
          StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s batch %2d: floor %8.1f us",
              model, batch, floor / 1000));
          for (int p = 1; p < PATHS.length; p++) {
            line.append(String.format(Locale.ROOT, " | %s %8.1f us = %.2fx", PATHS[p], median[p] / 1000,
                median[p] / floor));
          }
          for (int p = 0; p < PATHS.length; p++) {
            json.add(String.format(Locale.ROOT, "  {\"model\": \"%s\", \"batch\": %d, \"path\": \"%s\", \"rounds\": %d,"
                + " \"medianMicros\": %.3f, \"ratioToFloor\": %.3f}", model, batch, PATHS[p], rounds,
                median[p] / 1000, median[p] / floor));
          }
          System.out.println(line);
        } finally {
          b.tearDown();
        }
      }
    }
    if (args.length > 3) {
      java.nio.file.Files.writeString(java.nio.file.Path.of(args[3]), "[\n" + String.join(",\n", json) + "\n]\n");
    }
  }

}
