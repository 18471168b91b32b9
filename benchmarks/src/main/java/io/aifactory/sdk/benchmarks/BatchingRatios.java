package io.aifactory.sdk.benchmarks;

import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.inference.BatchingOptions;
import io.aifactory.sdk.inference.BatchingSession;
import io.aifactory.sdk.inference.InferenceOptions;
import io.aifactory.sdk.inference.InferenceSession;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.SessionBinding;
import io.aifactory.sdk.testkit.onnx.OnnxModel;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cross-check for {@link BatchingBenchmark} on a shared, loaded machine: 64 producer threads alternate
 * between batched scoring and one-by-one scoring (plain {@code run}, and each producer's own binding) in
 * short rounds, and the medians of each mode's throughput are
 * compared, so that a burst of outside load does not land on one mode only.
 *
 * <p>Run with {@code java -cp benchmarks/target/benchmarks.jar io.aifactory.sdk.benchmarks.BatchingRatios
 * [rounds] [maxQueueDelayMicros] [allowSpinning] [intraOpThreads]}.
 */
public final class BatchingRatios {
  private static final int PRODUCERS = 64;

  private BatchingRatios() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    Duration maxQueueDelay = Duration.ofNanos(1000L * (args.length > 1 ? Long.parseLong(args[1]) : 1000));
    // "0" stops ONNX Runtime's idle intra-op threads from spinning, which on a small, busy machine takes
    // the CPU that producers need; ONNX Runtime's default is "1".
    String allowSpinning = args.length > 2 ? args[2] : "1";
    // ONNX Runtime's intra-op threads for the one session both modes share; 0 is ONNX Runtime's default.
    int intraOpThreads = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    long roundMillis = 1000;
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (BenchmarkModels model : BenchmarkModels.values()) {
      OnnxModel onnx = model.build();
      try (InferenceSession session = InferenceSession.open(ModelSource.ofBytes(model.name(), onnx.bytes()),
              InferenceOptions.newBuilder().configEntry("session.intra_op.allow_spinning", allowSpinning)
                  .intraOpThreads(intraOpThreads).build());
          BatchingSession batcher = BatchingSession.start(session, BatchingOptions.newBuilder()
              .maxBatchSize(64).maxQueueDelay(maxQueueDelay).queueCapacity(256).build())) {
        AtomicInteger mode = new AtomicInteger(0); // 0 batched, 1 one by one, 2 one by one bound, 3 stop
        AtomicLong count = new AtomicLong();
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
          Thread t = new Thread(() -> {
            try (TensorBuffer sample = TensorBuffer.allocate(ElementType.FLOAT32, model.shape(1));
                TensorBuffer output = TensorBuffer.allocate(ElementType.FLOAT32, 1, 1)) {
              Map<String, TensorBuffer> in = Map.of(onnx.inputName(), sample);
              Map<String, TensorBuffer> out = Map.of(onnx.outputName(), output);
              try (SessionBinding binding = session.bind(in, out)) {
                int m;
                while ((m = mode.get()) != 3) {
                  if (m == 0) {
                    batcher.submit(in, out).join();
                  } else if (m == 1) {
                    session.run(in, out);
                  } else {
                    binding.run();
                  }
                  count.incrementAndGet();
                }
              }
            }
          });
          t.start();
          producers.add(t);
        }
        double[][] rates = new double[3][rounds];
        double[][] cpuPerSample = new double[3][rounds];
        double[] meanBatch = new double[rounds];
        for (int r = -1; r < rounds; r++) { // round -1 warms both modes up
          for (int m = 0; m < 3; m++) {
            mode.set(m);
            Thread.sleep(roundMillis / 4); // let producers switch mode
            long c0 = count.get();
            long runs0 = session.metrics().runs();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Thread.sleep(roundMillis);
            long samples = count.get() - c0;
            double rate = samples * 1e9 / (System.nanoTime() - t0);
            if (r >= 0) {
              rates[m][r] = rate;
              cpuPerSample[m][r] = (os.getProcessCpuTime() - cpu0) / 1e3 / samples;
              if (m == 0) {
                meanBatch[r] = (double) samples / (session.metrics().runs() - runs0);
              }
            }
          }
        }
        mode.set(3);
        for (Thread t : producers) {
          t.join();
        }
        double batched = Interleaving.median(rates[0]);
        double oneByOne = Interleaving.median(rates[1]);
        double bound = Interleaving.median(rates[2]);
        System.out.printf(Locale.ROOT, "%s, %d producers, max queue delay %s, spinning %s, intra-op threads %d:"
            + " batched %.0f samples/s (mean batch %.1f), one-by-one run %.0f, one-by-one bound %.0f;"
            + " batched/run %.2fx (rounds %s), batched/bound %.2fx (rounds %s);"
            + " process CPU per sample: batched %.1f us, run %.1f us, bound %.1f us%n",
            model, PRODUCERS, maxQueueDelay, allowSpinning, intraOpThreads, batched, Interleaving.median(meanBatch), oneByOne,
            bound, batched / oneByOne, range(rates[0], rates[1]), batched / bound, range(rates[0], rates[2]),
            Interleaving.median(cpuPerSample[0]), Interleaving.median(cpuPerSample[1]), Interleaving.median(cpuPerSample[2]));
      }
    }
  }

  /** The lowest and highest per-round ratio of {@code a} to {@code b}. */
  private static String range(double[] a, double[] b) {
    double[] ratios = new double[a.length];
    for (int r = 0; r < a.length; r++) {
      ratios[r] = a[r] / b[r];
    }
    Arrays.sort(ratios);
    return String.format(Locale.ROOT, "%.2f-%.2f", ratios[0], ratios[ratios.length - 1]);
  }
}
