package io.aifactory.sdk.benchmarks;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.guard.GuardMetrics;
import io.aifactory.sdk.core.guard.GuardMode;
import io.aifactory.sdk.core.guard.WriteGuard;
import io.aifactory.sdk.core.internal.LatencyHistogram;
import io.aifactory.sdk.core.pipeline.GuardedWrite;
import io.aifactory.sdk.core.pipeline.MachineMetrics;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.pipeline.Pipeline;
import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.core.tensor.Window;
import io.aifactory.sdk.inference.InferenceOptions;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.OnnxRuntimeModel;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import io.aifactory.sdk.testkit.onnx.OnnxModels;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sample-to-action latency and CPU per sample through the whole real path, at 10, 100 and 1000 samples/s per machine:
 * the simulated Modbus PLC on a loopback port, the SDK's Modbus driver polling it every 100, 10 or 1 ms, a window of
 * 32 rows × 8 float32 registers per machine, the PCA window model in ONNX Runtime (one intra-op thread), and a
 * {@link WriteGuard} in SHADOW mode per machine that gets a proposed setpoint from every result (it decides and
 * audits on its own thread, and writes nothing). Three ways, one after the other on the same PLC, device and model:
 *
 * <ul>
 *   <li>{@code pollOnly}: the subscription alone, with a listener that counts: the CPU the driver and the simulated
 *       PLC cost by themselves, to read the other two against;
 *   <li>{@code pipeline}: a {@link Pipeline} with a {@link GuardedWrite} per machine; latency is the pipeline's own
 *       {@link Pipeline#metrics()}: from the poll's arrival on the device's callback thread to the end of the last
 *       action (which is {@code guard.propose} returning; the guard's decision follows on the guard's thread);
 *   <li>{@code handWired}: the plain alternative, written as a vendor would: {@code device.subscribe} with a listener
 *       that appends the poll to each machine's {@link Window}, runs the session on the window's view on the
 *       listener's thread, and proposes to the guard; latency is measured between the same two points, into the same
 *       kind of histogram.
 * </ul>
 *
 * <p>Not JMH: what is measured is a distribution across threads at a fixed poll rate, and the CPU the whole process
 * spends for it, which JMH's modes do not express. CPU per sample is the process CPU time
 * ({@code OperatingSystemMXBean.getProcessCpuTime}) over the phase divided by the rows appended (one row = one
 * machine's poll), so it includes the simulated PLC in the same process, the poll timer and the guard's reads, the
 * same for every way; {@code pollOnly} shows that share.
 *
 * <p>At each rate the two ways run twice, in the order pipeline, handWired, handWired, pipeline, each with a fresh
 * pipeline or listener (a pipeline's metrics cannot be reset), so that load that comes and goes lands on both alike;
 * each run is a line of the table.
 *
 * <p>Run with {@code java -cp benchmarks/target/benchmarks.jar io.aifactory.sdk.benchmarks.PipelineLatency [scale]
 * [machines] [results.json]}: {@code scale} multiplies the phase lengths (1 by default: 6 s at 10/s, 4 s at 100/s and
 * 1000/s, after 10 s of warm-up), {@code machines} is the number of machines on the PLC (1 by default), all read by one
 * poll; with a third argument every line of the table is also written to that file as JSON, for
 * {@code benchmarks/render.py}.
 */
public final class PipelineLatency {
  private static final int ROWS = LineData.ROWS;
  private static final int FEATURES = LineData.FEATURES;
  private static final double SETPOINT = 80;

  private final int machines;
  private final LineData line = new LineData();
  private final ModbusSimulator plc;
  private final Device device;
  private final OnnxRuntimeModel model;
  private final List<List<Tag>> tags = new ArrayList<>();
  private final List<Tag> allTags = new ArrayList<>();
  private final List<WriteGuard> guards = new ArrayList<>();
  private final List<Result> results = new ArrayList<>();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private PipelineLatency(int machines) throws Exception {
    this.machines = machines;
    List<Tag> plcTags = new ArrayList<>();
    List<Tag> setpoints = new ArrayList<>();
    for (int m = 0; m < machines; m++) {
      List<Tag> t = new ArrayList<>();
      for (int f = 0; f < FEATURES; f++) {
        // Each machine's registers side by side, machines 100 registers apart: one request per machine.
        t.add(Tag.of("m" + m + ".f" + f, "holding:" + (100 * m + 2 * f) + ":float32", DataType.FLOAT32));
      }
      tags.add(t);
      allTags.addAll(t);
      plcTags.addAll(t);
      Tag setpoint = Tag.of("m" + m + ".setpoint", "holding:" + (100 * m + 50) + ":uint16", DataType.UINT16);
      setpoints.add(setpoint);
      plcTags.add(setpoint);
    }
    plc = ModbusSimulator.newBuilder().unit(1, plcTags).build(); // port 0: a free port
    plc.start();
    for (int m = 0; m < machines; m++) {
      float[] row = line.row(m, 0);
      for (int f = 0; f < FEATURES; f++) {
        plc.set(tags.get(m).get(f).name(), (double) row[f]);
      }
      plc.set(setpoints.get(m).name(), (int) SETPOINT);
    }
    device = Devices.open(plc.uri(), DeviceOptions.newBuilder().requestTimeout(Duration.ofSeconds(1)).build());
    device.whenConnected().get(10, TimeUnit.SECONDS);
    model = OnnxRuntimeModel.open("line-pca", "1", ModelSource.ofBytes("line-pca", line.windowModel().bytes()),
        InferenceOptions.newBuilder().intraOpThreads(1).build());
    for (int m = 0; m < machines; m++) {
      WriteGuard guard = WriteGuard.newBuilder().name("m" + m + ".setpoint").device(device).tag(setpoints.get(m))
          .range(0, 200).maxStep(5).mode(GuardMode.SHADOW).build();
      guard.start();
      guards.add(guard);
    }
  }

  /** What the model's answer turns into: a setpoint a little above the nominal one, never far from it. */
  private static double proposal(double score) {
    return SETPOINT + Math.min(5, Math.max(0, score));
  }

  public static void main(String[] args) throws Exception {
    double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1;
    int machines = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    Path json = args.length > 2 ? Path.of(args[2]) : null;
    PipelineLatency bench = new PipelineLatency(machines);
    try {
      bench.run(scale);
    } finally {
      bench.close();
    }
    if (json != null) {
      Files.writeString(json, bench.json());
    }
  }

  /** Returns the phases as a JSON array, one object per line of the table; times in microseconds. */
  private String json() {
    StringBuilder b = new StringBuilder("[\n");
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      double rows = Math.max(1, r.rows);
      b.append(String.format(Locale.ROOT, "  {\"ratePerSecond\": %d, \"path\": \"%s\", \"machines\": %d, \"rowsPerSecond\": %.1f,"
          + " \"p50Micros\": %s, \"p99Micros\": %s, \"maxMicros\": %s, \"cpuMicrosPerRow\": %.1f, \"heapBytesPerRow\": %.0f,"
          + " \"pollOverruns\": %s, \"guardDecisions\": %d, \"loadAverage\": %.2f}%s%n",
          r.rate, r.path, machines, r.rows / (r.nanos / 1e9), micros(r.p50), micros(r.p99), micros(r.max),
          r.cpuNanos / 1e3 / rows, r.allocated / rows, r.overruns < 0 ? "null" : Long.toString(r.overruns),
          r.decisions, r.load, i == results.size() - 1 ? "" : ","));
    }
    return b.append("]\n").toString();
  }

  private static String micros(long nanos) {
    return nanos < 0 ? "null" : String.format(Locale.ROOT, "%.1f", nanos / 1e3);
  }

  private void run(double scale) throws Exception {
    // Warm-up: the JIT compiles the whole chain of both ways before anything is measured. Two seconds each were not
    // enough: the first measured phase then still paid ~100 us of compiler-thread CPU per row, whichever way it was.
    for (int i = 0; i < 2; i++) {
      pipeline(Duration.ofMillis(1), (long) (2500 * scale));
      handWired(Duration.ofMillis(1), (long) (2500 * scale));
    }
    System.out.printf(Locale.ROOT, "%d machine(s) x %d float32 registers, window %d rows, PCA window model in ONNX"
        + " Runtime (1 intra-op thread), a SHADOW write guard per machine; %d cores%n", machines, FEATURES, ROWS,
        Runtime.getRuntime().availableProcessors());
    System.out.println("rate/machine  path        rows/s   p50 us   p99 us   max us  CPU us/row  heap B/row  overruns"
        + "  guard decisions  load");
    long[][] phases = {{100, 6_000}, {10, 4_000}, {1, 4_000}};
    for (long[] phase : phases) {
      Duration interval = Duration.ofMillis(phase[0]);
      long millis = (long) (phase[1] * scale);
      print(interval, pollOnly(interval, millis));
      // A B B A: on a shared machine a burst of load, or late compilation, then lands on both ways alike.
      print(interval, pipeline(interval, millis));
      print(interval, handWired(interval, millis));
      print(interval, handWired(interval, millis));
      print(interval, pipeline(interval, millis));
    }
  }

  /** One phase's figures. */
  private static final class Result {
    String path;
    long rate;
    long rows;
    long nanos;
    long cpuNanos;
    long p50;
    long p99;
    long max;
    long overruns = -1;
    long decisions;
    double load;
    long allocated;
    Map<Long, Long> threadCpu;
    Map<Long, String> threadNames;
  }

  private void print(Duration interval, Result r) {
    r.rate = 1000 / interval.toMillis();
    results.add(r);
    String lat = r.p50 < 0 ? String.format(Locale.ROOT, "%8s %8s %8s", "-", "-", "-")
        : String.format(Locale.ROOT, "%8.0f %8.0f %8.0f", r.p50 / 1e3, r.p99 / 1e3, r.max / 1e3);
    System.out.printf(Locale.ROOT, "%5d/s       %-10s %7.0f %s %11.1f %11.0f %9s %16d %5.2f%n",
        1000 / interval.toMillis(), r.path, r.rows / (r.nanos / 1e9), lat, r.rows == 0 ? 0.0 : r.cpuNanos / 1e3 / r.rows,
        r.rows == 0 ? 0.0 : (double) r.allocated / r.rows,
        r.overruns < 0 ? "-" : Long.toString(r.overruns), r.decisions, r.load);
    if (interval.toMillis() == 1 && r.rows > 0) {
      // Where the CPU went, by thread: the busiest few, in microseconds per row.
      StringBuilder b = new StringBuilder("              by thread, us/row:");
      r.threadCpu.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(5)
          .forEach(e -> b.append(String.format(Locale.ROOT, " %s %.1f;", r.threadNames.get(e.getKey()),
              e.getValue() / 1e3 / r.rows)));
      long named = r.threadCpu.values().stream().mapToLong(Long::longValue).sum();
      // The rest ran on threads ThreadMXBean does not list: the JVM's own (garbage collector, JIT compilers).
      b.append(String.format(Locale.ROOT, " all listed threads %.1f; JVM's own threads %.1f",
          named / 1e3 / r.rows, (r.cpuNanos - named) / 1e3 / r.rows));
      System.out.println(b);
    }
  }

  private Result pollOnly(Duration interval, long millis) throws InterruptedException {
    AtomicLong rows = new AtomicLong();
    Result r = start("pollOnly");
    try (Subscription s = device.subscribe(allTags, SubscriptionOptions.every(interval),
        batch -> rows.addAndGet(machines))) {
      Thread.sleep(millis);
      r.overruns = s.overruns();
    }
    return finish(r, rows.get(), -1, -1, -1);
  }

  private Result pipeline(Duration interval, long millis) throws InterruptedException {
    Pipeline.Builder b = Pipeline.newBuilder().name("latency")
        .poll(SubscriptionOptions.every(interval))
        .windowRows(ROWS).hop(1).normalisation(line.mean(), line.std())
        .model(model, OnnxModels.INPUT, OnnxModels.SCORE, 1);
    for (int m = 0; m < machines; m++) {
      b.machine("m" + m, device, tags.get(m));
      b.action(new GuardedWrite("m" + m, guards.get(m), (MachineResult result) -> proposal(result.value())));
    }
    try (Pipeline pipeline = b.build()) {
      Result r = start("pipeline");
      pipeline.start();
      Thread.sleep(millis);
      MachineMetrics total = pipeline.metrics().total();
      // Before close: the rows counted and the time and CPU spent belong to the same span.
      finish(r, total.rows(), total.latencyP50().toNanos(), total.latencyP99().toNanos(), total.latencyMax().toNanos());
      if (total.skippedWindows() > 0 || total.modelErrors() > 0 || total.actionErrors() > 0) {
        System.out.println("  (pipeline: " + total + ")");
      }
      return r;
    }
  }

  private Result handWired(Duration interval, long millis) throws InterruptedException {
    LatencyHistogram latency = new LatencyHistogram();
    AtomicLong rows = new AtomicLong();
    long[] received = new long[1]; // written and read on the device's callback thread only
    List<Window> windows = new ArrayList<>();
    List<TensorBuffer> outputs = new ArrayList<>();
    Result r;
    try {
      for (int m = 0; m < machines; m++) {
        TensorBuffer output = TensorBuffer.allocate(ElementType.FLOAT32, 1, 1);
        outputs.add(output);
        Map<String, TensorBuffer> out = Map.of(OnnxModels.SCORE, output);
        WriteGuard guard = guards.get(m);
        windows.add(Window.newBuilder()
            .columns(tags.get(m).stream().map(Tag::name).toList())
            .capacity(2 * ROWS).length(ROWS).hop(1)
            .normalisation(line.mean(), line.std())
            .onReady((w, sequence) -> {
              model.run(Map.of(OnnxModels.INPUT, w.latestBatch(ROWS)), out);
              guard.propose(proposal(output.getFloat(0)));
              latency.record(System.nanoTime() - received[0]);
            })
            .build());
      }
      r = start("handWired");
      try (Subscription s = device.subscribe(allTags, SubscriptionOptions.every(interval), batch -> {
        received[0] = System.nanoTime();
        for (Window w : windows) {
          w.append(batch);
        }
        rows.addAndGet(machines);
      })) {
        Thread.sleep(millis);
        r.overruns = s.overruns();
      }
    } finally {
      windows.forEach(Window::close);
      outputs.forEach(TensorBuffer::close);
    }
    return finish(r, rows.get(), Math.min(latency.percentile(0.5), latency.max()),
        Math.min(latency.percentile(0.99), latency.max()), latency.max());
  }

  private Result start(String path) {
    Result r = new Result();
    r.path = path;
    r.load = os.getSystemLoadAverage();
    r.decisions = decisions();
    r.threadCpu = threadCpu();
    r.allocated = allocated();
    r.cpuNanos = os.getProcessCpuTime();
    r.nanos = System.nanoTime();
    return r;
  }

  private Result finish(Result r, long rows, long p50, long p99, long max) {
    r.nanos = System.nanoTime() - r.nanos;
    r.cpuNanos = os.getProcessCpuTime() - r.cpuNanos;
    r.allocated = allocated() - r.allocated;
    Map<Long, Long> before = r.threadCpu;
    r.threadCpu = threadCpu();
    r.threadCpu.replaceAll((id, cpu) -> cpu - before.getOrDefault(id, 0L));
    r.threadNames = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(r.threadCpu.keySet().stream().mapToLong(Long::longValue).toArray())) {
      if (info != null) {
        r.threadNames.put(info.getThreadId(), info.getThreadName());
      }
    }
    r.threadCpu.keySet().retainAll(r.threadNames.keySet());
    r.decisions = decisions() - r.decisions;
    r.rows = rows;
    r.p50 = p50;
    r.p99 = p99;
    r.max = max;
    return r;
  }

  /** Returns the CPU time of every live thread, by id (the JVM's GC and compiler threads are not among them). */
  private Map<Long, Long> threadCpu() {
    Map<Long, Long> cpu = new HashMap<>();
    for (long id : threads.getAllThreadIds()) {
      long t = threads.getThreadCpuTime(id);
      if (t >= 0) {
        cpu.put(id, t);
      }
    }
    return cpu;
  }

  /** Returns the heap bytes allocated so far by the live threads (a thread that ended takes its count along). */
  private long allocated() {
    long sum = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      sum += Math.max(0, bytes);
    }
    return sum;
  }

  private long decisions() {
    long n = 0;
    for (WriteGuard g : guards) {
      GuardMetrics metrics = g.metrics();
      n += metrics.decisions();
    }
    return n;
  }

  private void close() {
    guards.forEach(WriteGuard::close);
    model.close();
    device.close();
    plc.close();
  }
}
