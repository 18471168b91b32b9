package io.aifactory.sdk.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * A cross-check for {@link InferenceBenchmark} on a shared, loaded machine: instead of measuring each path
 * for seconds one after the other (so that a burst of load lands on one path only), it alternates the paths
 * in short rounds and reports the median of each path's rounds as a ratio to the floor.
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
          StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s batch %2d: floor %8.1f us",
              model, batch, floor / 1000));
          for (int p = 1; p < PATHS.length; p++) {
            double m = median(perCall[p]);
            line.append(String.format(Locale.ROOT, " | %s %8.1f us = %.2fx", PATHS[p], m / 1000, m / floor));
          }
          for (int p = 0; p < PATHS.length; p++) {
            json.add(String.format(Locale.ROOT, "  {\"model\": \"%s\", \"batch\": %d, \"path\": \"%s\", \"rounds\": %d,"
                + " \"medianMicros\": %.3f, \"ratioToFloor\": %.3f}", model, batch, PATHS[p], rounds,
                median(perCall[p]) / 1000, median(perCall[p]) / floor));
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

  /** Returns the mean nanoseconds per call of path {@code p} over about {@code nanos}. */
  private static double measure(InferenceBenchmark b, int p, long nanos) throws Exception {
    long start = System.nanoTime();
    long calls = 0;
    float sink = 0;
    long now;
    do {
      switch (p) {
        case 0: sink += b.ortDirectFloor(); break;
        case 1: sink += b.sdkBinding(); break;
        case 2: sink += b.sdkRun(); break;
        case 3: sink += b.sdkWindowView(); break;
        case 4: sink += b.ortDirectBuffers(); break;
        case 5: sink += b.ortFloatArrays()[0][0]; break;
        case 6: sink += b.djlPredictor(); break;
        default: sink += b.djlPredictorReusedInput(); break;
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
