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
import io.aifactory.sdk.testkit.opcua.OpcUaSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
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
 * Subscription delivery rate of 1000 monitored items from the simulated OPC UA server: through our API
 * ({@code sdk}: Device.subscribe, values converted into SampleBatch rows) versus a plain Milo client
 * ({@code milo}: OpcUaSubscription with a listener that only counts the DataValues). One operation is 1000
 * values delivered, so values per second = ops/s × 1000. A background task changes every value every 5 ms; both
 * clients sample every 10 ms and publish every 10 ms over SecurityPolicy None.
 *
 * <pre>
 * mvn -B -ntp -q -pl benchmarks -am package -DskipTests
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
  private OpcUaSimulator sim;
  private ScheduledExecutorService updater;
  private final AtomicLong delivered = new AtomicLong();
  private long target;
  private Device device;
  private Subscription subscription;
  private OpcUaClient milo;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("opcua-bench");
    List<Tag> tags = new ArrayList<>(ITEMS);
    for (int i = 0; i < ITEMS; i++) {
      tags.add(Tag.of(String.format("bench.tag%04d", i), String.format("ns=2;s=Bench.Tag%04d", i), DataType.FLOAT64));
    }
    sim = OpcUaSimulator.newBuilder().tags(tags).pkiDir(dir.resolve("server")).securityNone(true)
        .securityPolicies(java.util.EnumSet.noneOf(SecurityPolicy.class)).build();
    sim.start();
    updater = Executors.newSingleThreadScheduledExecutor();
    AtomicLong tick = new AtomicLong();
    updater.scheduleAtFixedRate(() -> {
      double v = tick.incrementAndGet();
      for (Tag t : tags) sim.set(t.name(), v);
    }, 0, 5, TimeUnit.MILLISECONDS);

    if (client.equals("sdk")) {
      DeviceOptions options = DeviceOptions.newBuilder()
          .property(OpcUaProperties.PKI_DIR, dir.resolve("client").toString())
          .property(OpcUaProperties.ALLOW_SECURITY_NONE, "true").build();
      device = Devices.open(sim.uri().toString(), options);
      device.whenConnected().get(30, TimeUnit.SECONDS);
      SubscriptionOptions so = SubscriptionOptions.newBuilder().samplingInterval(Duration.ofMillis(10))
          .publishingInterval(Duration.ofMillis(10)).build();
      subscription = device.subscribe(tags, so, this::onBatch);
    } else {
      milo = OpcUaClient.create(sim.uri().toString(),
          endpoints -> endpoints.stream().filter(e -> e.getSecurityMode() == MessageSecurityMode.None).findFirst(),
          transport -> {}, config -> {});
      milo.connect();
      OpcUaSubscription s = new OpcUaSubscription(milo, 10.0);
      s.setSubscriptionListener(new OpcUaSubscription.SubscriptionListener() {
        @Override
        public void onDataReceived(OpcUaSubscription sub, List<OpcUaMonitoredItem> items, List<DataValue> values) {
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
    if (sum == Double.MIN_VALUE) System.out.print("");
    delivered.addAndGet(batch.size());
  }

  /** Waits until 1000 more values were delivered. */
  @Benchmark
  public long deliver1000Values() {
    target += ITEMS;
    while (delivered.get() < target) LockSupport.parkNanos(50_000);
    return target;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    updater.shutdownNow();
    if (subscription != null) subscription.close();
    if (device != null) device.close();
    if (milo != null) milo.disconnect();
    sim.close();
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
