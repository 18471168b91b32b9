package io.aifactory.sdk.benchmarks;

import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.inference.BatchingOptions;
import io.aifactory.sdk.inference.BatchingSession;
import io.aifactory.sdk.inference.InferenceSession;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.SessionBinding;
import io.aifactory.sdk.testkit.onnx.OnnxModel;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What coordination costs on this machine, apart from any model: the round trip of one thread waking
 * another (park/unpark), and the throughput of a {@link BatchingSession} whose model costs nothing (its
 * runs return at once), with 64 producers, each with the process CPU time it takes. The second is the ceiling batching can reach here: if the plain
 * session scores samples one by one faster than a third of it, the 3x target cannot be met.
 *
 * <p>Run with {@code java -cp benchmarks/target/benchmarks.jar io.aifactory.sdk.benchmarks.BatchingOverhead}.
 */
public final class BatchingOverhead {
  private BatchingOverhead() {}

  public static void main(String[] args) throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    for (int round = 0; round < 3; round++) {
      int trips = 100_000;
      long cpu0 = os.getProcessCpuTime();
      double micros = pingPongMicros(trips);
      System.out.printf(Locale.ROOT, "park/unpark round trip between two threads: %.1f us, process CPU %.1f us%n",
          micros, (os.getProcessCpuTime() - cpu0) / 1e3 / trips);
    }
    OnnxModel onnx = BenchmarkModels.PCA.build();
    try (InferenceSession real = InferenceSession.open(ModelSource.ofBytes("PCA", onnx.bytes()));
        BatchingSession batcher = BatchingSession.start(free(real), BatchingOptions.newBuilder()
            .maxBatchSize(64).maxQueueDelay(Duration.ofMillis(1)).queueCapacity(256).build())) {
      for (int round = 0; round < 5; round++) {
        double[] cpu = new double[1];
        double rate = producers(64, onnx, 1000, (in, out) -> batcher.submit(in, out).join(), cpu);
        System.out.printf(Locale.ROOT, "batcher over a model that costs nothing, 64 producers: %.0f samples/s,"
            + " process CPU %.1f us per sample%n", rate, cpu[0]);
      }
    }
  }

  /** Wraps {@code session} so that its bindings run nothing: what is left is the batcher's own work. */
  private static InferenceSession free(InferenceSession session) {
    return (InferenceSession) Proxy.newProxyInstance(InferenceSession.class.getClassLoader(),
        new Class<?>[] {InferenceSession.class}, (proxy, method, args) -> {
          if (method.getName().equals("bind")) {
            return new SessionBinding() {
              @Override
              public void run() {}

              @Override
              public void close() {}
            };
          }
          if (method.getName().equals("close")) {
            return null;
          }
          return method.invoke(session, args);
        });
  }

  private static double pingPongMicros(int rounds) throws InterruptedException {
    AtomicLong turn = new AtomicLong();
    Thread[] threads = new Thread[2];
    for (int i = 0; i < 2; i++) {
      int me = i;
      threads[i] = new Thread(() -> {
        for (long n = me; n < 2L * rounds; n += 2) {
          while (turn.get() != n) {
            LockSupport.park();
          }
          turn.set(n + 1);
          LockSupport.unpark(threads[1 - me]);
        }
      });
    }
    long t0 = System.nanoTime();
    threads[0].start();
    threads[1].start();
    threads[0].join();
    threads[1].join();
    return (System.nanoTime() - t0) / 1e3 / rounds;
  }

  interface Call {
    void run(Map<String, TensorBuffer> in, Map<String, TensorBuffer> out);
  }

  static double producers(int count, OnnxModel onnx, long millis, Call call, double[] cpuMicrosPerSample)
      throws InterruptedException {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < count; p++) {
      Thread t = new Thread(() -> {
        try (TensorBuffer sample = TensorBuffer.allocate(ElementType.FLOAT32, 64);
            TensorBuffer output = TensorBuffer.allocate(ElementType.FLOAT32, 1, 1)) {
          Map<String, TensorBuffer> in = Map.of(onnx.inputName(), sample);
          Map<String, TensorBuffer> out = Map.of(onnx.outputName(), output);
          while (!stop.get()) {
            call.run(in, out);
            done.incrementAndGet();
          }
        }
      });
      t.start();
      threads.add(t);
    }
    Thread.sleep(millis / 4);
    long c0 = done.get();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    Thread.sleep(millis);
    long samples = done.get() - c0;
    double rate = samples * 1e9 / (System.nanoTime() - t0);
    cpuMicrosPerSample[0] = (os.getProcessCpuTime() - cpu0) / 1e3 / samples;
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    return rate;
  }
}
