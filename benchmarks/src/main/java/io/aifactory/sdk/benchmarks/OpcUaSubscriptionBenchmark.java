package io.aifactory.sdk.benchmarks;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.opcua.OpcUaProperties;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * 1000 monitored items from a simulated OPC UA server: through our API ({@code sdk}: Device.subscribe, values
 * converted into SampleBatch rows that the listener reads) versus a plain Milo client ({@code milo}:
 * OpcUaSubscription with a listener that reads each DataValue's value). One operation is 1000 values delivered, so
 * values per second = ops/s × 1000. The server is the testkit's simulator CLI in a child JVM ({@link
 * SimulatorProcess}) offering only SecurityPolicy None, every value a noise signal that changes every 5 ms; both
 * clients sample every 10 ms and publish every 10 ms over SecurityPolicy None.
 *
 * <p>Both clients run near the server's ceiling, so the rate hides what the client costs; the figure to compare is
 * CPU per delivered value: the auxiliary counters {@code clientCpuNanos} and {@code values} (totals per iteration,
 * in the JSON's secondary metrics) give process CPU minus the waiting benchmark thread's own, divided by the values
 * delivered. The server's CPU is the child's, not counted.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar OpcUaSubscriptionBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OpcUaSubscriptionBenchmark {
  static final int ITEMS = 1000;

  @Param({"sdk", "milo"})
  public String client;

  private Path dir;
  private SimulatorProcess sim;
  private final AtomicLong delivered = new AtomicLong();
  private long target;
  private Device device;
  private Subscription subscription;
  private OpcUaClient milo;
  private volatile double sink;

  /** CPU the client process spent and values it got, per iteration. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Cpu {
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Process CPU less the benchmark thread's own (it only waits), in nanoseconds. */
    public long clientCpuNanos;
    /** Values delivered. */
    public long values;
    private long lastProcess;
    private long lastThread;

    @Setup(Level.Iteration)
    public void start() {
      clientCpuNanos = 0;
      values = 0;
      lastProcess = OS.getProcessCpuTime();
      lastThread = THREADS.getCurrentThreadCpuTime();
    }

    void add(long n) {
      long process = OS.getProcessCpuTime();
      long thread = THREADS.getCurrentThreadCpuTime();
      clientCpuNanos += (process - lastProcess) - (thread - lastThread);
      lastProcess = process;
      lastThread = thread;
      values += n;
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("opcua-bench");
    List<Tag> tags = new ArrayList<>(ITEMS);
    StringBuilder json = new StringBuilder("{\"name\": \"opcua-bench\", \"tick\": \"5ms\", \"devices\": [{\"name\": \"server\","
        + " \"kind\": \"opcua\", \"options\": {\"securityPolicies\": \"\"}, \"tags\": [");
    for (int i = 0; i < ITEMS; i++) {
      Tag tag = Tag.of(String.format("bench.tag%04d", i), String.format("ns=2;s=Bench.Tag%04d", i), DataType.FLOAT64);
      tags.add(tag);
      json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"name\": \"%s\", \"address\": \"%s\","
          + " \"type\": \"float64\", \"signal\": {\"kind\": \"noise\", \"stdDev\": 1, \"mean\": %d}}", tag.name(), tag.address(), i));
    }
    json.append("]}]}");
    sim = SimulatorProcess.start(json.toString(), "512m");
    String uri = sim.endpoints().get("server");

    if (client.equals("sdk")) {
      DeviceOptions options = DeviceOptions.newBuilder()
          .property(OpcUaProperties.PKI_DIR, dir.resolve("client").toString())
          .property(OpcUaProperties.ALLOW_SECURITY_NONE, "true").build();
      device = Devices.open(uri, options);
      device.whenConnected().get(30, TimeUnit.SECONDS);
      SubscriptionOptions so = SubscriptionOptions.newBuilder().samplingInterval(Duration.ofMillis(10))
          .publishingInterval(Duration.ofMillis(10)).build();
      subscription = device.subscribe(tags, so, this::onBatch);
    } else {
      milo = OpcUaClient.create(uri,
          endpoints -> endpoints.stream().filter(e -> e.getSecurityMode() == MessageSecurityMode.None).findFirst(),
          transport -> {}, config -> {});
      milo.connect();
      OpcUaSubscription s = new OpcUaSubscription(milo, 10.0);
      s.setSubscriptionListener(new OpcUaSubscription.SubscriptionListener() {
        @Override
        public void onDataReceived(OpcUaSubscription sub, List<OpcUaMonitoredItem> items, List<DataValue> values) {
          // Read every value as a consumer would, as the sdk side does with its rows.
          double sum = 0;
          for (DataValue v : values) {
            Object o = v.getValue().getValue();
            if (o instanceof Number) sum += ((Number) o).doubleValue();
          }
          sink = sum;
          delivered.addAndGet(values.size());
        }
      });
      List<OpcUaMonitoredItem> items = new ArrayList<>(ITEMS);
      for (Tag t : tags) {
        OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(NodeId.parse(t.address()));
        item.setSamplingInterval(10.0);
        item.setQueueSize(uint(1));
        items.add(item);
      }
      s.addMonitoredItems(items);
      s.create();
      s.synchronizeMonitoredItems();
    }
    target = delivered.get();
  }

  private void onBatch(SampleBatch batch) {
    // Touch every value as a consumer would, so the conversion into rows is not dead code.
    double sum = 0;
    for (int i = 0; i < batch.size(); i++) sum += batch.doubleValue(i);
    sink = sum;
    delivered.addAndGet(batch.size());
  }

  /** Waits until 1000 more values were delivered. */
  @Benchmark
  public long deliver1000Values(Cpu cpu) {
    target += ITEMS;
    while (delivered.get() < target) LockSupport.parkNanos(50_000);
    cpu.add(ITEMS);
    return target;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (subscription != null) subscription.close();
    if (device != null) device.close();
    if (milo != null) milo.disconnect();
    if (sim != null) sim.close();
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
