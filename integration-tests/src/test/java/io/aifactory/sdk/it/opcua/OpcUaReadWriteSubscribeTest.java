package io.aifactory.sdk.it.opcua;

import static io.aifactory.sdk.it.opcua.OpcUaTestSupport.BOOL;
import static io.aifactory.sdk.it.opcua.OpcUaTestSupport.FLOAT32;
import static io.aifactory.sdk.it.opcua.OpcUaTestSupport.FLOAT64;
import static io.aifactory.sdk.it.opcua.OpcUaTestSupport.INT16;
import static io.aifactory.sdk.it.opcua.OpcUaTestSupport.INT32;
import static io.aifactory.sdk.it.opcua.OpcUaTestSupport.INT64;
import static io.aifactory.sdk.it.opcua.OpcUaTestSupport.SCALED;
import static io.aifactory.sdk.it.opcua.OpcUaTestSupport.SETPOINT;
import static io.aifactory.sdk.it.opcua.OpcUaTestSupport.STRING;
import static io.aifactory.sdk.it.opcua.OpcUaTestSupport.UINT16;
import static io.aifactory.sdk.it.opcua.OpcUaTestSupport.UINT32;
import static io.aifactory.sdk.it.opcua.OpcUaTestSupport.VIBRATION;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.AddressException;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.DeviceException;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.opcua.BrowsedNode;
import io.aifactory.sdk.opcua.OpcUaDevice;
import io.aifactory.sdk.testkit.RecordedWrite;
import io.aifactory.sdk.testkit.opcua.OpcUaSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads, writes, browsing and subscriptions over a secure channel, against one simulator and one device. */
class OpcUaReadWriteSubscribeTest {
  @TempDir static Path tmp;
  static OpcUaSimulator sim;
  static OpcUaDevice device;

  @BeforeAll
  static void start() throws Exception {
    sim = OpcUaSimulator.newBuilder().tags(OpcUaTestSupport.ALL).pkiDir(tmp.resolve("server"))
        .range(SETPOINT.name(), 0, 100).readOnly(STRING.name()).build();
    sim.start();
    // Trust the simulator the way an administrator would: its certificate in the client's trusted/certs.
    Path trusted = Files.createDirectories(tmp.resolve("client/trusted/certs"));
    Files.write(trusted.resolve("simulator.der"), sim.certificate().getEncoded());
    device = (OpcUaDevice) Devices.open(sim.uri().toString(), OpcUaTestSupport.options(tmp.resolve("client")).build());
    device.whenConnected().get(15, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    if (device != null) device.close();
    if (sim != null) sim.close();
  }

  @Test
  void shouldConnectWithSignAndEncryptWhenTheServerOffersIt() {
    assertEquals("Basic256Sha256/SignAndEncrypt", device.security());
  }

  @Test
  void shouldReadEveryScalarTypeAndTheWaveform() throws Exception {
    float[] wave = OpcUaTestSupport.waveform(0.5f);
    Map<Tag, Object> values = Map.of(BOOL, true, INT16, -1234, UINT16, 65000, INT32, -70000, UINT32, 4_000_000_000L,
        INT64, 1L << 60, FLOAT32, 1.5f, FLOAT64, 2.25, STRING, "ok");
    values.forEach((tag, v) -> sim.set(tag.name(), v));
    sim.set(VIBRATION.name(), wave);

    List<Tag> tags = List.of(BOOL, INT16, UINT16, INT32, UINT32, INT64, FLOAT32, FLOAT64, STRING, VIBRATION);
    SampleBatch batch = device.read(tags).get(5, TimeUnit.SECONDS);

    assertTrue(batch.allGood(), batch::toString);
    assertEquals(true, batch.value(0));
    assertEquals(-1234L, batch.longValue(1));
    assertEquals(65000L, batch.longValue(2));
    assertEquals(-70000L, batch.longValue(3));
    assertEquals(4_000_000_000L, batch.longValue(4));
    assertEquals(1L << 60, batch.longValue(5));
    assertEquals(1.5, batch.doubleValue(6));
    assertEquals(2.25, batch.doubleValue(7));
    assertEquals("ok", batch.value(8));
    float[] read = assertInstanceOf(float[].class, batch.value(9));
    assertArrayEquals(wave, read);
    assertTrue(batch.sourceTimeNanos(0) > 0);
  }

  @Test
  void shouldWriteEveryScalarTypeAndAnArray() throws Exception {
    float[] wave = OpcUaTestSupport.waveform(1.0f);
    device.write(BOOL, false).get(5, TimeUnit.SECONDS);
    device.write(INT16, 321).get(5, TimeUnit.SECONDS);
    device.write(UINT16, 40000).get(5, TimeUnit.SECONDS);
    device.write(INT32, 123456).get(5, TimeUnit.SECONDS);
    device.write(UINT32, 3_000_000_000L).get(5, TimeUnit.SECONDS);
    device.write(INT64, -(1L << 62)).get(5, TimeUnit.SECONDS);
    device.write(FLOAT32, 0.25f).get(5, TimeUnit.SECONDS);
    device.write(FLOAT64, 99.5).get(5, TimeUnit.SECONDS);
    device.write(VIBRATION, wave).get(5, TimeUnit.SECONDS);

    assertEquals(false, sim.get(BOOL.name()));
    assertEquals(321L, sim.get(INT16.name()));
    assertEquals(40000L, sim.get(UINT16.name()));
    assertEquals(123456L, sim.get(INT32.name()));
    assertEquals(3_000_000_000L, sim.get(UINT32.name()));
    assertEquals(-(1L << 62), sim.get(INT64.name()));
    assertEquals(0.25, sim.get(FLOAT32.name()));
    assertEquals(99.5, sim.get(FLOAT64.name()));
    assertArrayEquals(wave, (float[]) sim.get(VIBRATION.name()));
    List<String> written = sim.writes().stream().map(RecordedWrite::tagName).collect(Collectors.toList());
    assertTrue(written.containsAll(List.of(BOOL.name(), INT64.name(), VIBRATION.name())), written::toString);
  }

  @Test
  void shouldRefuseAWriteOutsideTheRangeAndKeepTheValue() throws Exception {
    device.write(SETPOINT, 42.0).get(5, TimeUnit.SECONDS);
    ExecutionException e = assertThrows(ExecutionException.class, () -> device.write(SETPOINT, 150.0).get(5, TimeUnit.SECONDS));
    assertInstanceOf(DeviceException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("Bad_OutOfRange"), e.getCause().getMessage());
    assertTrue(e.getCause().getMessage().contains(SETPOINT.name()), e.getCause().getMessage());
    // The server's own StatusCode, as a field a program can switch on (as Quality.rawStatus() has it).
    assertEquals(org.eclipse.milo.opcua.stack.core.StatusCodes.Bad_OutOfRange,
        ((DeviceException) e.getCause()).rawStatus() & 0xFFFF0000L);
    assertEquals(42.0, sim.get(SETPOINT.name()));
  }

  @Test
  void shouldFailWritesAndBrowsesWithTheTypedExceptionItselfNotAWrapper() throws Exception {
    Throwable write = device.write(SETPOINT, 150.0).handle((v, e) -> e).get(5, TimeUnit.SECONDS);
    assertEquals(DeviceException.class, write.getClass(), String.valueOf(write));
    Throwable browse = device.browse("ns=2;s=Does.Not.Exist").handle((v, e) -> e).get(5, TimeUnit.SECONDS);
    assertInstanceOf(DeviceException.class, browse, String.valueOf(browse));
  }

  @Test
  void shouldRefuseAWriteToAReadOnlyVariable() {
    sim.set(STRING.name(), "kept");
    ExecutionException e = assertThrows(ExecutionException.class, () -> device.write(STRING, "no").get(5, TimeUnit.SECONDS));
    assertInstanceOf(DeviceException.class, e.getCause());
    // Milo checks the user's access level first, so the status is Bad_UserAccessDenied rather than Bad_NotWritable.
    assertTrue(e.getCause().getMessage().matches(".*Bad_(NotWritable|UserAccessDenied).*"), e.getCause().getMessage());
    assertEquals("kept", sim.get(STRING.name()));
  }

  @Test
  void shouldApplyScaleAndOffsetBetweenRawAndEngineeringValues() throws Exception {
    // raw 500 (an Int16 on the server) × 0.1 − 20 = 30 °C
    sim.set(SCALED.name(), 30.0);
    Tag raw = Tag.of("raw", SCALED.address(), DataType.INT16);
    assertEquals(500L, device.read(List.of(raw)).get(5, TimeUnit.SECONDS).longValue(0));
    assertEquals(30.0, device.read(List.of(SCALED)).get(5, TimeUnit.SECONDS).doubleValue(0), 1e-9);

    device.write(SCALED, 25.0).get(5, TimeUnit.SECONDS);
    assertEquals(450L, device.read(List.of(raw)).get(5, TimeUnit.SECONDS).longValue(0));
  }

  @Test
  void shouldReportAnUnknownNodeAsABadRowWithTheServersStatus() throws Exception {
    Tag missing = Tag.of("missing", "ns=2;s=Does.Not.Exist", DataType.FLOAT64);
    SampleBatch batch = device.read(List.of(FLOAT64, missing)).get(5, TimeUnit.SECONDS);
    assertTrue(batch.isGood(0));
    Quality q = batch.quality(1);
    assertEquals(Quality.Reason.CONFIG_ERROR, q.reason());
    assertEquals(0x80340000L, q.rawStatus());
    assertTrue(Double.isNaN(batch.doubleValue(1)));
  }

  @Test
  void shouldRefuseAMalformedAddress() {
    Tag bad = Tag.of("bad", "Line1.Temperature", DataType.FLOAT64);
    assertThrows(AddressException.class, () -> Devices.driver("opc.tcp").checkAddress(bad));
    ExecutionException e = assertThrows(ExecutionException.class, () -> device.read(List.of(bad)).get(5, TimeUnit.SECONDS));
    assertInstanceOf(AddressException.class, e.getCause());
  }

  @Test
  void shouldBrowseFoldersAndVariablesWithTheirTypes() throws Exception {
    List<BrowsedNode> top = device.browse(OpcUaDevice.OBJECTS_FOLDER).get(5, TimeUnit.SECONDS);
    BrowsedNode line1 = top.stream().filter(n -> n.displayName().equals("line1")).findFirst().orElseThrow(
        () -> new AssertionError("no folder line1 in " + top));
    assertEquals(BrowsedNode.NodeClass.OBJECT, line1.nodeClass());

    List<BrowsedNode> vars = device.browse(line1.nodeId()).get(5, TimeUnit.SECONDS);
    BrowsedNode vibration = vars.stream().filter(n -> n.displayName().equals("vibration")).findFirst().orElseThrow();
    assertEquals(DataType.arrayOf(DataType.Kind.FLOAT32, 256), vibration.dataType());
    assertEquals(VIBRATION.address(), vibration.nodeId());
    BrowsedNode temperature = vars.stream().filter(n -> n.displayName().equals("temperature")).findFirst().orElseThrow();
    assertEquals(DataType.INT16, temperature.dataType());

    // A browsed variable is readable as a tag straight away.
    sim.set(FLOAT32.name(), 7.0f);
    List<BrowsedNode> plant = device.browse(top.stream().filter(n -> n.displayName().equals("plant")).findFirst()
        .orElseThrow().nodeId()).get(5, TimeUnit.SECONDS);
    Tag found = plant.stream().filter(n -> n.displayName().equals("float32")).findFirst().orElseThrow().toTag("found");
    assertEquals(7.0, device.read(List.of(found)).get(5, TimeUnit.SECONDS).doubleValue(0));
  }

  @Test
  void shouldDeliverSubscribedValuesWithArraysAsPrimitiveArrays() throws Exception {
    List<SampleBatch> batches = new CopyOnWriteArrayList<>();
    SubscriptionOptions options = SubscriptionOptions.newBuilder().samplingInterval(Duration.ofMillis(50))
        .publishingInterval(Duration.ofMillis(50)).queueSize(4).build();
    try (Subscription s = device.subscribe(List.of(INT32, VIBRATION), options, batches::add)) {
      assertEquals(List.of(INT32, VIBRATION), s.tags());
      sim.set(INT32.name(), 1);
      assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> hasValue(batches, INT32, 1L)), batches::toString);
      float[] wave = OpcUaTestSupport.waveform(2f);
      sim.set(VIBRATION.name(), wave);
      sim.set(INT32.name(), 2);
      assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> hasValue(batches, INT32, 2L)), batches::toString);
      assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> batches.stream().anyMatch(b -> {
        int i = b.indexOf(VIBRATION.name());
        return i >= 0 && b.value(i) instanceof float[] && java.util.Arrays.equals((float[]) b.value(i), wave);
      })));
    }
  }

  @Test
  void shouldDeliverEveryScalarTypeThroughASubscription() throws Exception {
    Map<Tag, Object> expected = new java.util.LinkedHashMap<>();
    expected.put(BOOL, true);
    expected.put(INT16, -7L);
    expected.put(UINT16, 7L);
    expected.put(INT32, -70L);
    expected.put(UINT32, 70L);
    expected.put(INT64, -700L);
    expected.put(FLOAT32, 0.5);
    expected.put(FLOAT64, 0.75);
    expected.put(STRING, "sub");
    expected.forEach((tag, v) -> sim.set(tag.name(), v));
    Map<String, Object> latest = new java.util.concurrent.ConcurrentHashMap<>();
    SubscriptionOptions options = SubscriptionOptions.newBuilder().samplingInterval(Duration.ofMillis(50))
        .publishingInterval(Duration.ofMillis(50)).build();
    try (Subscription s = device.subscribe(List.copyOf(expected.keySet()), options, b -> {
      for (int i = 0; i < b.size(); i++) if (b.isGood(i)) latest.put(b.tag(i).name(), b.value(i));
    })) {
      assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> expected.entrySet().stream()
          .allMatch(e -> e.getValue().equals(latest.get(e.getKey().name())))), latest::toString);
    }
  }

  @Test
  void shouldDeliverScaledAndRawIntegersThroughASubscriptionAsAReadDoes() throws Exception {
    // The subscription converts GOOD numbers on a fast path of its own; it must give what a read gives:
    // raw 500 × 0.1 − 20 = 30.0 as a double for the scaled tag, the exact 500 as a long for the same node unscaled.
    sim.set(SCALED.name(), 30.0);
    Tag raw = Tag.of("raw", SCALED.address(), DataType.INT16);
    Map<String, Object> latest = new java.util.concurrent.ConcurrentHashMap<>();
    SubscriptionOptions options = SubscriptionOptions.newBuilder().samplingInterval(Duration.ofMillis(50))
        .publishingInterval(Duration.ofMillis(50)).build();
    try (Subscription s = device.subscribe(List.of(SCALED, raw), options, b -> {
      for (int i = 0; i < b.size(); i++) if (b.isGood(i)) latest.put(b.tag(i).name(), b.value(i));
    })) {
      assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> latest.size() == 2), latest::toString);
      assertEquals(500L, latest.get(raw.name()));
      assertEquals(30.0, (Double) latest.get(SCALED.name()), 1e-9);
    }
  }

  @Test
  void shouldNotReportChangesInsideTheAbsoluteDeadband() throws Exception {
    Tag withDeadband = FLOAT64.toBuilder().name("deadband").deadband(1.0).build();
    sim.set(FLOAT64.name(), 10.0);
    List<Double> seen = new CopyOnWriteArrayList<>();
    SubscriptionOptions options = SubscriptionOptions.newBuilder().samplingInterval(Duration.ofMillis(20))
        .publishingInterval(Duration.ofMillis(20)).build();
    try (Subscription s = device.subscribe(List.of(withDeadband), options, b -> {
      if (b.isGood(0)) seen.add(b.doubleValue(0));
    })) {
      assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> seen.contains(10.0)), seen::toString);
      sim.set(FLOAT64.name(), 10.5);
      Thread.sleep(300); // several sampling intervals: the change must stay unreported
      sim.set(FLOAT64.name(), 12.0);
      assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> seen.contains(12.0)), seen::toString);
      assertFalse(seen.contains(10.5), seen::toString);
    }
  }

  @Test
  void shouldApplyAPercentDeadbandOfTheVariablesRange() throws Exception {
    // SETPOINT has the range 0..100 on the simulator (its EURange), so 5 % is 5 units.
    Tag percent = SETPOINT.toBuilder().name("percent").deadband(5).build();
    sim.set(SETPOINT.name(), 50.0);
    List<Double> seen = new CopyOnWriteArrayList<>();
    SubscriptionOptions options = SubscriptionOptions.newBuilder().samplingInterval(Duration.ofMillis(20))
        .publishingInterval(Duration.ofMillis(20)).deadbandType(SubscriptionOptions.DeadbandType.PERCENT).build();
    try (Subscription s = device.subscribe(List.of(percent), options, b -> {
      if (b.isGood(0)) seen.add(b.doubleValue(0));
    })) {
      assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> seen.contains(50.0)), seen::toString);
      sim.set(SETPOINT.name(), 53.0);
      Thread.sleep(300); // several sampling intervals: the change must stay unreported
      sim.set(SETPOINT.name(), 60.0);
      assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> seen.contains(60.0)), seen::toString);
      assertFalse(seen.contains(53.0), seen::toString);
    }
  }

  @Test
  void shouldMapTheStatusOfEachValueToQualityKeepingTheRawCode() throws Exception {
    List<SampleBatch> batches = new CopyOnWriteArrayList<>();
    SubscriptionOptions options = SubscriptionOptions.newBuilder().samplingInterval(Duration.ofMillis(20))
        .publishingInterval(Duration.ofMillis(20)).build();
    sim.set(INT16.name(), 5);
    try (Subscription s = device.subscribe(List.of(INT16), options, batches::add)) {
      assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> batches.stream().anyMatch(b -> b.isGood(0))));
      long lastUsableValue = 0x40900000L;
      sim.setStatus(INT16.name(), lastUsableValue);
      assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> batches.stream().anyMatch(
          b -> b.quality(0).status() == Quality.Status.UNCERTAIN && b.quality(0).rawStatus() == lastUsableValue)),
          batches::toString);
      long sensorFailure = 0x808C0000L;
      sim.setStatus(INT16.name(), sensorFailure);
      assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> batches.stream().anyMatch(
          b -> b.quality(0).isBad() && b.quality(0).rawStatus() == sensorFailure && Double.isNaN(b.doubleValue(0)))),
          batches::toString);
    } finally {
      sim.set(INT16.name(), 0);
    }
  }

  @Test
  void shouldReportAnUnchangedValueAgainAtTheHeartbeat() throws Exception {
    sim.set(UINT32.name(), 77L);
    List<SampleBatch> batches = new CopyOnWriteArrayList<>();
    SubscriptionOptions options = SubscriptionOptions.newBuilder().samplingInterval(Duration.ofMillis(50))
        .publishingInterval(Duration.ofMillis(50)).heartbeat(Duration.ofMillis(200)).build();
    try (Subscription s = device.subscribe(List.of(UINT32), options, batches::add)) {
      assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(10),
          () -> batches.stream().filter(b -> b.isGood(0) && b.longValue(0) == 77L).count() >= 3), batches::toString);
      assertEquals(batches.get(0).sourceTimeNanos(0), batches.get(batches.size() - 1).sourceTimeNanos(0),
          "a heartbeat repeats the value with its original source time");
    }
  }

  @Test
  void shouldCallTheListenerOneDeliveryAtATimeWhileDataAndHeartbeatsInterleave() throws Exception {
    sim.set(UINT16.name(), 5);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    SubscriptionOptions options = SubscriptionOptions.newBuilder().samplingInterval(Duration.ofMillis(10))
        .publishingInterval(Duration.ofMillis(10)).heartbeat(Duration.ofMillis(20)).build();
    // INT64 changes all the time (data deliveries), UINT16 never (heartbeats).
    try (Subscription s = device.subscribe(List.of(INT64, UINT16), options, b -> {
      if (inside.incrementAndGet() > 1) overlaps.incrementAndGet();
      threads.add(Thread.currentThread().getName());
      try {
        Thread.sleep(2); // widens the window in which a second, concurrent delivery would be seen
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      calls.incrementAndGet();
      inside.decrementAndGet();
    })) {
      long value = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (calls.get() < 100 && System.nanoTime() < deadline) {
        sim.set(INT64.name(), ++value);
        Thread.sleep(3);
      }
      assertTrue(calls.get() >= 100, "deliveries: " + calls.get());
    }
    assertEquals(0, overlaps.get(), "deliveries that overlapped another one");
    assertEquals(1, threads.size(), "deliveries came from " + threads);
  }

  @Test
  void shouldMonitorTheOtherTagsWhenOneTagsNamespaceIsNotOnTheServer() throws Exception {
    Tag foreign = Tag.of("foreign", "nsu=urn:not-on-this-server;s=Line1.Temperature", DataType.FLOAT64);
    sim.set(INT32.name(), 4711);
    List<SampleBatch> batches = new CopyOnWriteArrayList<>();
    SubscriptionOptions options = SubscriptionOptions.newBuilder().samplingInterval(Duration.ofMillis(50))
        .publishingInterval(Duration.ofMillis(50)).build();
    try (Subscription s = device.subscribe(List.of(foreign, INT32), options, batches::add)) {
      assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(10), () -> hasValue(batches, INT32, 4711)), batches::toString);
      assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> batches.stream().anyMatch(b -> {
        int i = b.indexOf(foreign.name());
        return i >= 0 && b.quality(i).reason() == Quality.Reason.CONFIG_ERROR;
      })), batches::toString);
      for (SampleBatch b : batches) {
        int i = b.indexOf(foreign.name());
        if (i >= 0) assertTrue(b.quality(i).isBad(), batches::toString);
      }
    }
  }

  private static boolean hasValue(List<SampleBatch> batches, Tag tag, long value) {
    for (SampleBatch b : batches) {
      int i = b.indexOf(tag.name());
      if (i >= 0 && b.isGood(i) && b.longValue(i) == value) return true;
    }
    return false;
  }

  @Test
  void shouldCompleteBlockingCallsChainedOnAReadFuture() throws Exception {
    sim.set(INT32.name(), 17);
    // Dependents run where the read completed; one that blocks on the device again must still finish.
    SampleBatch chained = device.read(List.of(INT32))
        .thenApply(first -> {
          device.write(FLOAT64, first.doubleValue(0) * 2).join();
          return device.read(List.of(FLOAT64)).join();
        })
        .get(15, TimeUnit.SECONDS);
    assertTrue(chained.allGood(), chained::toString);
    assertEquals(34.0, chained.doubleValue(0));
  }
}
