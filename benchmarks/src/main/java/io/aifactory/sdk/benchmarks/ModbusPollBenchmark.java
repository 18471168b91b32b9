package io.aifactory.sdk.benchmarks;

import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.procimg.Register;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.plc4x.java.DefaultPlcDriverManager;
import org.apache.plc4x.java.api.PlcConnection;
import org.apache.plc4x.java.api.messages.PlcReadRequest;
import org.apache.plc4x.java.api.messages.PlcReadResponse;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One poll cycle of 1000 single-register tags scattered over 4000 holding registers of the simulated PLC, on
 * loopback: our driver (planned, coalesced requests, values into primitive columns), the same with the cycle's
 * requests pipelined ({@code pipeline=64}), against plain j2mod with one
 * request per tag, plain j2mod with the registers coalesced by hand into contiguous requests of at most 125, and
 * Apache PLC4X 0.13.1's Modbus TCP driver with one read request of all 1000 tags, which its {@code ModbusOptimizer}
 * splits into protocol requests. Every client reads every value out of its response.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ModbusPoll -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc}.
 * Time and {@code gc.alloc.rate.norm} are per cycle; requests per cycle are printed at the end of each trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class ModbusPollBenchmark {
  private static final int TAGS = 1000;
  private static final int REGISTERS = 4000;

  private ModbusSimulator plc;
  private Device device;
  private Device pipelined;
  private ModbusTCPMaster master;
  private List<Tag> tags;
  private int[] addresses;
  private int[][] ranges;
  private final int[] values = new int[TAGS];
  private long requestsAtStart;
  private long cycles;
  private PlcConnection plc4x;
  private PlcReadRequest plc4xRequest;
  private String[] plc4xNames;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Random random = new Random(42);
    TreeSet<Integer> chosen = new TreeSet<>();
    while (chosen.size() < TAGS) chosen.add(random.nextInt(REGISTERS));
    addresses = chosen.stream().mapToInt(Integer::intValue).toArray();
    tags = new ArrayList<>();
    for (int a : addresses) tags.add(Tag.of("r" + a, "holding:" + a, DataType.UINT16));
    plc = ModbusSimulator.newBuilder().unit(1, tags).build();
    plc.start();
    for (int i = 0; i < TAGS; i++) plc.set(tags.get(i).name(), i);
    device = Devices.open(plc.uri().toString(), DeviceOptions.newBuilder().requestTimeout(Duration.ofSeconds(2)).build());
    device.whenConnected().get(10, TimeUnit.SECONDS);
    pipelined = Devices.open(plc.uri() + "&pipeline=64", DeviceOptions.newBuilder().requestTimeout(Duration.ofSeconds(2)).build());
    pipelined.whenConnected().get(10, TimeUnit.SECONDS);
    master = new ModbusTCPMaster("127.0.0.1", plc.port(), 2000, false, false);
    master.connect();
    master.setRetries(1);
    // By hand: contiguous runs from the first wanted register, at most 125 registers each.
    List<int[]> runs = new ArrayList<>();
    int i = 0;
    while (i < TAGS) {
      int start = addresses[i];
      int j = i;
      while (j + 1 < TAGS && addresses[j + 1] - start < 125) j++;
      runs.add(new int[] {start, addresses[j] - start + 1, i, j});
      i = j + 1;
    }
    ranges = runs.toArray(new int[0][]);
    // PLC4X numbers holding registers from 1 (holding-register:1 is protocol address 0), as Modicon notation does.
    plc4x = new DefaultPlcDriverManager().getConnectionManager()
        .getConnection("modbus-tcp://127.0.0.1:" + plc.port() + "?default-unit-identifier=1&request-timeout=2000");
    PlcReadRequest.Builder builder = plc4x.readRequestBuilder();
    plc4xNames = new String[TAGS];
    for (int t = 0; t < TAGS; t++) {
      plc4xNames[t] = "r" + addresses[t];
      builder.addTagAddress(plc4xNames[t], "holding-register:" + (addresses[t] + 1) + ":UINT");
    }
    plc4xRequest = builder.build();
    PlcReadResponse check = plc4xRequest.execute().get(10, TimeUnit.SECONDS);
    for (int t = 0; t < TAGS; t++) {
      if (check.getInteger(plc4xNames[t]) != t) {
        throw new IllegalStateException("PLC4X read " + plc4xNames[t] + " = " + check.getInteger(plc4xNames[t]) + ", expected " + t);
      }
    }
    requestsAtStart = plc.requestCount();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    long requests = plc.requestCount() - requestsAtStart;
    System.out.printf("%n[ModbusPoll] %d cycles, %.1f requests per cycle%n", cycles, cycles == 0 ? 0.0 : (double) requests / cycles);
    if (master != null) master.disconnect();
    if (plc4x != null) {
      try {
        plc4x.close();
      } catch (Exception e) {
        System.out.println("[ModbusPoll] closing PLC4X: " + e);
      }
    }
    if (device != null) device.close();
    if (pipelined != null) pipelined.close();
    if (plc != null) plc.close();
  }

  @Benchmark
  public double driver() {
    cycles++;
    SampleBatch batch = device.read(tags).join();
    return batch.doubleValue(TAGS - 1);
  }

  /** The stretch: the cycle's requests sent back to back before reading replies, matched by transaction id. */
  @Benchmark
  public double driverPipelined() {
    cycles++;
    SampleBatch batch = pipelined.read(tags).join();
    return batch.doubleValue(TAGS - 1);
  }

  @Benchmark
  public int j2modOneRequestPerTag() throws Exception {
    cycles++;
    for (int i = 0; i < TAGS; i++) values[i] = master.readMultipleRegisters(1, addresses[i], 1)[0].getValue();
    return values[TAGS - 1];
  }

  @Benchmark
  public int j2modCoalescedByHand() throws Exception {
    cycles++;
    for (int[] r : ranges) {
      Register[] regs = master.readMultipleRegisters(1, r[0], r[1]);
      for (int i = r[2]; i <= r[3]; i++) values[i] = regs[addresses[i] - r[0]].getValue();
    }
    return values[TAGS - 1];
  }

  /** PLC4X as its documentation shows it: one read request of every tag, executed and read back by name. */
  @Benchmark
  public int plc4xOptimised() throws Exception {
    cycles++;
    PlcReadResponse response = plc4xRequest.execute().get(10, TimeUnit.SECONDS);
    for (int i = 0; i < TAGS; i++) values[i] = response.getInteger(plc4xNames[i]);
    return values[TAGS - 1];
  }
}
