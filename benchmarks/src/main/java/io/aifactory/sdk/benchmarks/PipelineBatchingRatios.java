package io.aifactory.sdk.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * A cross-check for {@link PipelineBatchingBenchmark} on a shared, loaded machine, as {@link InterleavedRatios} is
 * for {@link InferenceBenchmark}: the four paths alternate in short rounds over the same state, and each path's
 * median round is reported per tick, per machine, and as a ratio to the pipeline's.
 *
 * <p>Run with {@code java -cp benchmarks/target/benchmarks.jar io.aifactory.sdk.benchmarks.PipelineBatchingRatios}
 * (optionally the number of rounds, 30 by default).
 */
public final class PipelineBatchingRatios {
  private static final String[] PATHS = {"pipeline", "batchedByHand", "perMachineView", "perMachineCopy"};

  private PipelineBatchingRatios() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    long roundNanos = 100_000_000L;
    for (int machines : new int[] {1, 8, 64}) {
      PipelineBatchingBenchmark b = new PipelineBatchingBenchmark();
      b.machines = machines;
      b.setUp();
      try {
        double[] median = Interleaving.medianNanosPerCall(List.of(b::pipeline, b::batchedByHand, b::perMachineView,
            b::perMachineCopy), rounds, roundNanos, 5);
        double ours = median[0];
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "N=%2d:", machines));
        for (int p = 0; p < PATHS.length; p++) {
          double m = median[p];
          line.append(String.format(Locale.ROOT, " | %s %7.1f us/tick %6.2f us/machine = %.2fx", PATHS[p], m / 1000,
              m / 1000 / machines, m / ours));
        }
        System.out.println(line);
      } finally {
        b.tearDown();
      }
    }
  }

}
