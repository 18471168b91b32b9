package io.aifactory.sdk.benchmarks;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.pipeline.MachineMetrics;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.pipeline.Pipeline;
import io.aifactory.sdk.core.pipeline.PipelineMetrics;
import io.aifactory.sdk.inference.InferenceOptions;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.OnnxRuntimeModel;
import io.aifactory.sdk.testkit.onnx.OnnxModels;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many machines one gateway serves: N simulated Modbus devices, each its own PLC on its own connection, served by
 * the testkit's simulator CLI in a child JVM ({@link SimulatorProcess}), each with {@value #TAGS} float32 holding
 * registers that change every 100 ms; the gateway polls every device at 10 Hz and scores every machine with one
 * shared PCA window model ({@code [k, 16, 100]} in, one batched call per tick) through one {@link Pipeline}, with an
 * action that counts results by quality.
 *
 * <p>An N passes when, over the measured span, no poll was missed — the pipeline's {@link PipelineMetrics#pollOverruns()}
 * is zero, no result was BAD or UNCERTAIN (a timed-out poll is a BAD row, which makes the window's results so), and the
 * rows appended are at least 98% of N × 10 × seconds (the timer's start and stop cost a poll or two per device) — and
 * the pipeline's p99 sample-to-action latency (poll arrival to the end of the action) is under 20 ms. CPU is this
 * process's (the gateway) over the span, as a share of all cores, and the simulators' separately; heap is the
 * allocation rate and the heap in use after a full collection at the end of the span.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.aifactory.sdk.benchmarks.GatewayCapacity [N,N,...]
 * [seconds] [results.json]}; defaults {@code 10,50,100}, 20 s (after 5 s of warm-up per N).
 */
public final class GatewayCapacity {
  static final int TAGS = 100;
  private static final int ROWS = 16;
  private static final int COMPONENTS = 8;
  private static final Duration POLL = Duration.ofMillis(100);

  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final OnnxRuntimeModel model;
  private final double[] mean = new double[TAGS];
  private final double[] std = new double[TAGS];

  private GatewayCapacity() {
    Random random = new Random(3);
    float[][] components = new float[COMPONENTS][TAGS];
    for (float[] c : components) {
      for (int f = 0; f < TAGS; f++) c[f] = (float) (random.nextGaussian() / Math.sqrt(TAGS));
    }
    for (int f = 0; f < TAGS; f++) {
      mean[f] = 20 + f;
      std[f] = 1;
    }
    model = OnnxRuntimeModel.open("gateway-pca", "1",
        ModelSource.ofBytes("gateway-pca", OnnxModels.pcaWindowError(ROWS, components).bytes()),
        InferenceOptions.newBuilder().intraOpThreads(1).build());
  }

  public static void main(String[] args) throws Exception {
    int[] ns = args.length > 0 ? java.util.Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray()
        : new int[] {10, 50, 100};
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Path json = args.length > 2 ? Path.of(args[2]) : null;
    GatewayCapacity bench = new GatewayCapacity();
    List<String> results = new ArrayList<>();
    System.out.printf(Locale.ROOT, "%d tags per device at %d Hz, window %d rows, PCA window model (1 intra-op thread); %d cores%n",
        TAGS, 1000 / POLL.toMillis(), ROWS, Runtime.getRuntime().availableProcessors());
    System.out.println("    N  tags/s   rows%  overruns  bad  uncertain  p50 ms  p99 ms  max ms  CPU%  sim CPU%  alloc MB/s  heap MB  load  pass");
    try {
      for (int n : ns) {
        results.add(bench.run(n, seconds));
      }
    } finally {
      bench.model.close();
    }
    if (json != null) Files.writeString(json, "[\n" + String.join(",\n", results) + "\n]\n");
  }

  private static String scenario(int n) {
    StringBuilder b = new StringBuilder("{\"name\": \"gateway-capacity\", \"tick\": \"100ms\", \"devices\": [");
    for (int d = 0; d < n; d++) {
      b.append(d == 0 ? "" : ",").append("{\"name\": \"plc").append(d).append("\", \"kind\": \"modbus\", \"tags\": [");
      for (int t = 0; t < TAGS; t++) {
        b.append(t == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"name\": \"m%d.t%d\", \"address\": \"holding:%d:float32\","
            + " \"type\": \"float32\", \"signal\": {\"kind\": \"noise\", \"stdDev\": 1, \"mean\": %d}}", d, t, 2 * t, 20 + t));
      }
      b.append("]}");
    }
    return b.append("]}").toString();
  }

  private String run(int n, int seconds) throws Exception {
    List<Device> devices = new ArrayList<>();
    List<List<Tag>> tags = new ArrayList<>();
    try (SimulatorProcess sim = SimulatorProcess.start(scenario(n), "1g")) {
      Map<String, String> endpoints = sim.endpoints();
      DeviceOptions options = DeviceOptions.newBuilder().requestTimeout(Duration.ofSeconds(1)).build();
      for (int d = 0; d < n; d++) {
        List<Tag> t = new ArrayList<>();
        for (int i = 0; i < TAGS; i++) t.add(Tag.of("m" + d + ".t" + i, "holding:" + 2 * i + ":float32", DataType.FLOAT32));
        tags.add(t);
        devices.add(Devices.open(endpoints.get("plc" + d), options));
      }
      for (Device d : devices) d.whenConnected().get(30, TimeUnit.SECONDS);

      // Warm-up on its own pipeline: its latency histogram cannot be reset, and the JIT's first minutes are not the
      // gateway's steady state.
      Counts warm = new Counts();
      try (Pipeline p = pipeline(devices, tags, warm)) {
        p.start();
        Thread.sleep(5_000);
      }

      Counts counts = new Counts();
      try (Pipeline p = pipeline(devices, tags, counts)) {
        double load = os.getSystemLoadAverage();
        long simCpu = sim.cpu().toNanos();
        long cpu = os.getProcessCpuTime();
        long allocated = allocated();
        long start = System.nanoTime();
        p.start();
        Thread.sleep(seconds * 1000L);
        PipelineMetrics metrics = p.metrics();
        long wall = System.nanoTime() - start;
        cpu = os.getProcessCpuTime() - cpu;
        simCpu = sim.cpu().toNanos() - simCpu;
        allocated = allocated() - allocated;
        System.gc();
        long heap = memory.getHeapMemoryUsage().getUsed();
        MachineMetrics total = metrics.total();
        int cores = Runtime.getRuntime().availableProcessors();
        double expectedRows = (double) n * seconds * 1000 / POLL.toMillis();
        double rowShare = total.rows() / expectedRows;
        double p50 = total.latencyP50().toNanos() / 1e6;
        double p99 = total.latencyP99().toNanos() / 1e6;
        double max = total.latencyMax().toNanos() / 1e6;
        boolean pass = metrics.pollOverruns() == 0 && counts.bad.get() == 0 && counts.uncertain.get() == 0
            && rowShare >= 0.98 && p99 < 20;
        double cpuShare = 100.0 * cpu / wall / cores;
        double simShare = 100.0 * simCpu / wall / cores;
        double allocRate = allocated / 1e6 / (wall / 1e9);
        System.out.printf(Locale.ROOT, "%5d %7.0f %7.1f %9d %4d %10d %7.2f %7.2f %7.1f %5.1f %9.1f %11.1f %8.1f %5.2f  %s%n",
            n, total.rows() * (double) TAGS / (wall / 1e9), 100 * rowShare, metrics.pollOverruns(), counts.bad.get(),
            counts.uncertain.get(), p50, p99, max, cpuShare, simShare, allocRate, heap / 1e6, load, pass ? "yes" : "no");
        if (!counts.reasons.isEmpty()) System.out.println("      not GOOD, by reason: " + counts.reasons);
        return String.format(Locale.ROOT, "  {\"machines\": %d, \"seconds\": %d, \"tagSamplesPerSecond\": %.0f, \"rowShare\": %.4f,"
            + " \"pollOverruns\": %d, \"badResults\": %d, \"uncertainResults\": %d, \"results\": %d, \"modelCalls\": %d,"
            + " \"p50Millis\": %.3f, \"p99Millis\": %.3f, \"maxMillis\": %.3f, \"cpuPercentOfAllCores\": %.1f,"
            + " \"simulatorCpuPercentOfAllCores\": %.1f, \"allocMBPerSecond\": %.1f, \"heapUsedAfterGcMB\": %.1f,"
            + " \"heapBytesPerTagSample\": %.1f, \"loadAverage\": %.2f, \"pass\": %b}",
            n, seconds, total.rows() * (double) TAGS / (wall / 1e9), rowShare, metrics.pollOverruns(), counts.bad.get(),
            counts.uncertain.get(), counts.all.get(), metrics.modelCalls(), p50, p99, max, cpuShare, simShare, allocRate,
            heap / 1e6, total.rows() == 0 ? 0.0 : (double) allocated / (total.rows() * (double) TAGS), load, pass);
      }
    } finally {
      devices.forEach(Device::close);
    }
  }

  private Pipeline pipeline(List<Device> devices, List<List<Tag>> tags, Counts counts) {
    Pipeline.Builder b = Pipeline.newBuilder().name("gateway")
        .poll(SubscriptionOptions.every(POLL))
        .windowRows(ROWS).hop(1).normalisation(mean, std)
        .model(model, OnnxModels.INPUT, OnnxModels.SCORE, 1)
        .action(counts::count);
    for (int d = 0; d < devices.size(); d++) b.machine("m" + d, devices.get(d), tags.get(d));
    return b.build();
  }

  /** Results by quality, counted on the pipeline's thread. */
  private static final class Counts {
    final AtomicLong all = new AtomicLong();
    final AtomicLong bad = new AtomicLong();
    final AtomicLong uncertain = new AtomicLong();
    final Map<String, Long> reasons = new ConcurrentHashMap<>();

    void count(MachineResult r) {
      all.incrementAndGet();
      if (r.isGood()) return;
      (r.quality().status().name().equals("BAD") ? bad : uncertain).incrementAndGet();
      reasons.merge(r.quality().status() + " " + r.quality().reason(), 1L, Long::sum);
    }
  }

  /** Returns the heap bytes allocated so far by the live threads. */
  private long allocated() {
    long sum = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) sum += Math.max(0, bytes);
    return sum;
  }
}
