package io.aifactory.sdk.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * A cross-check for {@link InferenceBenchmark} on a shared, loaded machine: instead of measuring each path
 * for seconds one after the other (so that a burst of load lands on one path only), it alternates the paths
 * in short rounds and reports the median of each path's rounds as a ratio to the floor.
 *
 * <p>Run with {@code java -cp benchmarks/target/benchmarks.jar io.aifactory.sdk.benchmarks.InterleavedRatios}.
 */
public final class InterleavedRatios {
  private static final String[] PATHS = {"ortDirectFloor", "sdkBinding", "sdkRun", "ortFloatArrays"};

  private InterleavedRatios() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    long roundNanos = 100_000_000L;
    for (BenchmarkModels model : BenchmarkModels.values()) {
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
          System.out.println(line);
        } finally {
          b.tearDown();
        }
      }
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
        default: sink += b.ortFloatArrays()[0][0]; break;
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
