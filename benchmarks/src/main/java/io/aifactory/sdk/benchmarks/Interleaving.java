package io.aifactory.sdk.benchmarks;

import java.util.Arrays;
import java.util.List;

/**
 * How the {@code *Ratios} mains measure on a shared, loaded machine: instead of measuring each path for seconds one
 * after the other (so that a burst of outside load lands on one path only), the paths alternate in short rounds over
 * the same state, and each path's median round is what counts.
 */
final class Interleaving {
  /** One path under test: a call whose result is kept, so the JIT cannot drop the work. */
  @FunctionalInterface
  interface Path {
    double call() throws Exception;
  }

  private Interleaving() {}

  /**
   * Warms every path up for {@code warmUpRounds} rounds, then runs {@code rounds} rounds of about {@code roundNanos}
   * each per path, alternating, and returns each path's median nanoseconds per call, in the order given.
   */
  static double[] medianNanosPerCall(List<Path> paths, int rounds, long roundNanos, int warmUpRounds)
      throws Exception {
    for (Path p : paths) {
      measure(p, roundNanos * warmUpRounds);
    }
    double[][] perCall = new double[paths.size()][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int p = 0; p < paths.size(); p++) {
        perCall[p][r] = measure(paths.get(p), roundNanos);
      }
    }
    double[] medians = new double[paths.size()];
    for (int p = 0; p < medians.length; p++) {
      medians[p] = median(perCall[p]);
    }
    return medians;
  }

  /** Returns the median of {@code values}. */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Returns the mean nanoseconds per call of {@code path} over about {@code nanos}. */
  private static double measure(Path path, long nanos) throws Exception {
    long start = System.nanoTime();
    long calls = 0;
    double sink = 0;
    long now;
    do {
      sink += path.call();
      calls++;
      now = System.nanoTime();
    } while (now - start < nanos);
    if (sink == 42.4242) {
      System.out.print(""); // keeps sink alive
    }
    return (double) (now - start) / calls;
  }
}
