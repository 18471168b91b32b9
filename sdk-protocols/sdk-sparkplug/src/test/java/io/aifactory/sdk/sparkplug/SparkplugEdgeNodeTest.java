package io.aifactory.sdk.sparkplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.ReconnectPolicy;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.guard.GuardMode;
import io.aifactory.sdk.core.guard.WriteGuard;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.sparkplug.HostRecorder.Msg;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.protobuf.SparkplugBProto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge node against a real broker (HiveMQ CE, one for the class), checked from the host's side with decoders
 * that are not the node's: Tahu's decoder and the raw protobuf. Each test uses its own group, so that their messages
 * never mix. The node reaches the broker through a {@link LinkProxy} where a test needs to cut its link.
 */
class SparkplugEdgeNodeTest {
  // Sparkplug B datatype numbers on the wire (specification, Payload.DataType).
  private static final int UINT16 = 6;
  private static final int INT32 = 3;
  private static final int INT64 = 4;
  private static final int FLOAT = 9;
  private static final int DOUBLE = 10;
  private static final int BOOLEAN = 11;

  private static final Tag TEMPERATURE = Tag.newBuilder().name("temperature").address("holding:0:float32")
      .dataType(DataType.FLOAT32).deadband(0.5).build();
  private static final Tag COUNT = Tag.of("count", "holding:2:int32", DataType.INT32);
  private static final Tag RUNNING = Tag.of("running", "coil:1", DataType.BOOL);
  private static final Tag PRESSURE = Tag.newBuilder().name("pressure").address("holding:4").dataType(DataType.INT16)
      .scale(0.1).build();
  private static final Tag SETPOINT = Tag.of("setpoint", "holding:5", DataType.UINT16);

  @TempDir
  static Path brokerDir;
  private static EmbeddedBroker broker;

  @TempDir
  Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = new EmbeddedBroker(brokerDir);
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  /** The node of every test: device press3 with four tags and a machine's results, following {@code plc} if given. */
  static SparkplugEdgeNode.Builder node(String group, int port, FakeDevice plc, WriteGuard guard) {
    SparkplugDevice.Builder press = SparkplugDevice.newBuilder("press3")
        .tags(List.of(TEMPERATURE, COUNT, RUNNING, PRESSURE)).machine("press3", List.of("score"));
    if (plc != null) {
      press.connection(plc);
    }
    if (guard != null) {
      press.writable(guard);
    }
    return SparkplugEdgeNode.newBuilder().broker(URI.create("tcp://127.0.0.1:" + port)).groupId(group)
        .edgeNodeId("line1").device(press.build())
        .reconnect(ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofMillis(500))
            .build());
  }

  static SampleBatch batch(long timeMillis, double temperature) {
    long t = timeMillis * 1_000_000;
    return SampleBatch.newBuilder(4).add(TEMPERATURE, temperature, Quality.GOOD, t).addLong(COUNT, 7, Quality.GOOD, t)
        .add(RUNNING, 1, Quality.GOOD, t).add(PRESSURE, 1.5, Quality.GOOD, t).receiveTimeNanos(t).build();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + HostRecorder.WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + HostRecorder.WAIT + ": " + what);
      }
      Thread.sleep(20);
    }
  }

  private static SparkplugBProto.Payload.Metric raw(Msg m, String name) {
    return m.raw.getMetricsList().stream().filter(x -> x.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(m.topic + " has no metric " + name));
  }

  private static long bdSeq(Msg m) {
    return raw(m, "bdSeq").getLongValue();
  }

  @Test
  void shouldPublishBirthsWithAliasesTypesAndQualityThenDataByException() throws Exception {
    FakeDevice plc = new FakeDevice();
    long t0 = System.currentTimeMillis() - 60_000;
    try (HostRecorder host = new HostRecorder(broker.port(), "births")) {
      SparkplugEdgeNode node = node("births", broker.port(), plc, null).build();
      try {
        node.onSamples(batch(t0, 20.0)); // before start: the births' values
        node.start();

        Msg nbirth = host.expect("NBIRTH", null);
        assertEquals(0, nbirth.seq());
        assertEquals(INT64, raw(nbirth, "bdSeq").getDatatype());
        assertEquals(node.metrics().bdSeq(), bdSeq(nbirth));
        SparkplugBProto.Payload.Metric rebirth = raw(nbirth, "Node Control/Rebirth");
        assertEquals(BOOLEAN, rebirth.getDatatype());
        assertFalse(rebirth.getBooleanValue());

        Msg dbirth = host.expect("DBIRTH", "press3");
        assertEquals(1, dbirth.seq());
        assertEquals(FLOAT, raw(dbirth, "temperature").getDatatype());
        assertEquals(INT32, raw(dbirth, "count").getDatatype());
        assertEquals(BOOLEAN, raw(dbirth, "running").getDatatype());
        assertEquals(DOUBLE, raw(dbirth, "pressure").getDatatype(), "a scaled INT16 is published in engineering units");
        assertEquals(DOUBLE, raw(dbirth, "press3/score").getDatatype());
        assertEquals(BOOLEAN, raw(dbirth, "press3/alarm").getDatatype());
        Set<Long> aliases = new HashSet<>();
        aliases.add(rebirth.getAlias());
        for (SparkplugBProto.Payload.Metric m : dbirth.raw.getMetricsList()) {
          assertTrue(m.hasAlias(), m.getName() + " has an alias");
          assertTrue(aliases.add(m.getAlias()), "alias " + m.getAlias() + " of " + m.getName() + " is unique on the node");
          assertEquals(m.getName().equals("temperature") || m.getName().equals("count") || m.getName().equals("running")
              || m.getName().equals("pressure") ? 192 : 0, dbirth.quality(m), "Quality of " + m.getName());
        }
        Metric temperature = dbirth.metric("temperature");
        assertEquals(20.0f, temperature.getValue());
        assertEquals(t0, temperature.getTimestamp().getTime(), "the sample's own time");
        assertEquals(7, dbirth.metric("count").getValue());
        assertEquals(1.5, (Double) dbirth.metric("pressure").getValue(), 1e-9);
        assertTrue(dbirth.metric("press3/score").isNull(), "no result yet: no value, quality BAD");
        long temperatureAlias = raw(dbirth, "temperature").getAlias();

        // Within the deadband (0.5) and otherwise unchanged: nothing. The next message is the 21.0 one.
        node.onSamples(batch(t0 + 1, 20.3));
        node.onSamples(batch(t0 + 2, 21.0));
        Msg data = host.expect("DDATA", "press3");
        assertEquals(2, data.seq());
        assertEquals(1, data.raw.getMetricsCount(), "only what changed: " + data);
        SparkplugBProto.Payload.Metric wire = data.raw.getMetrics(0);
        assertFalse(wire.hasName(), "DATA carries aliases, not names");
        assertFalse(wire.hasDatatype(), "DATA carries no datatypes once they are born");
        assertEquals(temperatureAlias, wire.getAlias());
        assertFalse(wire.getIsHistorical());
        Metric decoded = data.payload.getMetrics().get(0);
        assertEquals(21.0f, decoded.getValue());
        assertEquals(t0 + 2, decoded.getTimestamp().getTime());

        // A BAD sample: no value, quality 0, never a number.
        long t3 = (t0 + 3) * 1_000_000;
        node.onSamples(SampleBatch.newBuilder(1).addBad(TEMPERATURE,
            Quality.bad(Quality.Reason.TIMEOUT, "no answer"), t3).build());
        Msg bad = host.expect("DDATA", "press3");
        assertEquals(3, bad.seq());
        assertTrue(bad.raw.getMetrics(0).getIsNull());
        assertEquals(0, bad.quality(bad.raw.getMetrics(0)));

        // Pipeline result and alarm.
        node.pipelineAction().onResult(new MachineResult("spindles", "press3", 10, (t0 + 4) * 1_000_000,
            Quality.uncertain(Quality.Reason.STALE_INPUT, 0, "held"), List.of("score"), new double[] {0.75}));
        Msg result = host.expect("DDATA", "press3");
        assertEquals(4, result.seq());
        assertEquals(2, result.raw.getMetricsCount(), "score, and the alarm state it starts: " + result);
        assertEquals(raw(dbirth, "press3/score").getAlias(), result.raw.getMetrics(0).getAlias());
        assertEquals(0.75, result.raw.getMetrics(0).getDoubleValue(), 1e-12);
        assertEquals(64, result.quality(result.raw.getMetrics(0)), "UNCERTAIN");
        assertFalse(result.raw.getMetrics(1).getBooleanValue());
        node.onAlarm(new AlarmEvent("anomaly", "spindles", "press3", AlarmEvent.Kind.RAISED, 12, 10,
            (t0 + 5) * 1_000_000));
        Msg alarm = host.expect("DDATA", "press3");
        assertEquals(5, alarm.seq());
        assertEquals(raw(dbirth, "press3/alarm").getAlias(), alarm.raw.getMetrics(0).getAlias());
        assertTrue(alarm.raw.getMetrics(0).getBooleanValue());
      } finally {
        node.close();
      }
      Msg ndeath = host.expect("NDEATH", null);
      assertFalse(ndeath.raw.hasSeq(), "NDEATH has no seq");
      assertEquals(node.metrics().bdSeq(), bdSeq(ndeath), "graceful close: NDEATH published with the session's bdSeq");
    }
  }

  @Test
  void shouldRebirthOnNodeControlCommand() throws Exception {
    FakeDevice plc = new FakeDevice();
    try (HostRecorder host = new HostRecorder(broker.port(), "rebirth");
        SparkplugEdgeNode node = node("rebirth", broker.port(), plc, null).build()) {
      node.start();
      long bdSeq = bdSeq(host.expect("NBIRTH", null));
      host.expect("DBIRTH", "press3");
      node.onSamples(batch(System.currentTimeMillis(), 30));
      assertEquals(2, host.expect("DDATA", "press3").seq());

      host.command("NCMD", "line1", null, List.of(
          new Metric.MetricBuilder("Node Control/Rebirth", MetricDataType.Boolean, true).createMetric()));
      Msg nbirth = host.expect("NBIRTH", null);
      assertEquals(0, nbirth.seq(), "a rebirth starts seq again");
      assertEquals(bdSeq, bdSeq(nbirth), "same MQTT session, same bdSeq");
      Msg dbirth = host.expect("DBIRTH", "press3");
      assertEquals(1, dbirth.seq());
      assertEquals(30.0f, dbirth.metric("temperature").getValue(), "the birth carries the current value");
      node.onSamples(batch(System.currentTimeMillis(), 40));
      assertEquals(2, host.expect("DDATA", "press3").seq());
    }
  }

  @Test
  void shouldSendDdeathWhenDeviceConnectionDropsAndDbirthWhenItReturns() throws Exception {
    FakeDevice plc = new FakeDevice();
    try (HostRecorder host = new HostRecorder(broker.port(), "ddeath");
        SparkplugEdgeNode node = node("ddeath", broker.port(), plc, null).build()) {
      node.start();
      host.expect("NBIRTH", null);
      host.expect("DBIRTH", "press3");

      plc.state(ConnectionState.DISCONNECTED);
      Msg ddeath = host.expect("DDEATH", "press3");
      assertEquals(2, ddeath.seq());
      node.onSamples(batch(System.currentTimeMillis(), 55)); // kept for the next birth, not sent as DATA

      plc.state(ConnectionState.CONNECTED);
      Msg dbirth = host.expect("DBIRTH", "press3");
      assertEquals(3, dbirth.seq());
      assertEquals(55.0f, dbirth.metric("temperature").getValue());
    }
  }

  @Test
  void shouldHaveTheBrokerPublishNdeathWhenTheNodesConnectionDiesUncleanly() throws Exception {
    FakeDevice plc = new FakeDevice();
    try (LinkProxy link = new LinkProxy(broker.port());
        HostRecorder host = new HostRecorder(broker.port(), "will");
        SparkplugEdgeNode node = node("will", link.port(), plc, null).build()) {
      node.start();
      long bdSeq = bdSeq(host.expect("NBIRTH", null));
      host.expect("DBIRTH", "press3");

      link.cut(); // the TCP connection dies without an MQTT DISCONNECT: a crash, to the broker
      Msg ndeath = host.expect("NDEATH", null);
      assertEquals(bdSeq, bdSeq(ndeath), "the will's bdSeq is the one of the NBIRTH it ends");

      link.restore();
      Msg nbirth = host.expect("NBIRTH", null);
      assertEquals(0, nbirth.seq());
      assertNotEquals(bdSeq, bdSeq(nbirth), "a new session has a new bdSeq");
      // Attempts refused while the link was cut took numbers too: the new one is later, not necessarily next.
      assertEquals(node.metrics().bdSeq(), bdSeq(nbirth));
      host.expect("DBIRTH", "press3");
    }
  }

  @Test
  void shouldBufferWhileTheBrokerIsUnreachableAndSendEverythingInOrderAsHistory() throws Exception {
    FakeDevice plc = new FakeDevice();
    try (LinkProxy link = new LinkProxy(broker.port());
        HostRecorder host = new HostRecorder(broker.port(), "forward");
        SparkplugEdgeNode node = node("forward", link.port(), plc, null).bufferDirectory(dir).build()) {
      node.start();
      host.expect("NBIRTH", null);
      host.expect("DBIRTH", "press3");
      node.onSamples(batch(System.currentTimeMillis(), -1));
      assertFalse(host.expect("DDATA", "press3").raw.getMetrics(0).getIsHistorical());

      link.cut();
      host.expect("NDEATH", null);
      await("node offline", () -> !node.isOnline());
      int n = 100;
      long t0 = System.currentTimeMillis() - 10_000;
      for (int i = 0; i < n; i++) {
        node.onSamples(batch(t0 + i, i));
      }
      assertEquals(n, node.metrics().recordsPending(), "every value made offline is in the buffer");

      link.restore();
      host.expect("NBIRTH", null);
      Msg dbirth = host.expect("DBIRTH", "press3");
      assertEquals(n - 1.0f, dbirth.metric("temperature").getValue(), "the birth carries the latest value");
      long seq = dbirth.seq();
      for (int i = 0; i < n; i++) {
        Msg m = host.expect("DDATA", "press3");
        assertEquals((seq + 1 + i) % 256, m.seq());
        Metric metric = m.payload.getMetrics().get(0);
        assertEquals((float) i, metric.getValue(), "in order, none lost");
        assertEquals(t0 + i, metric.getTimestamp().getTime(), "with its original timestamp");
        assertTrue(m.raw.getMetrics(0).getIsHistorical(), "flagged historical");
      }
      await("buffer drained", () -> node.metrics().recordsPending() == 0);

      node.onSamples(batch(System.currentTimeMillis(), 500));
      Msg live = host.expect("DDATA", "press3");
      assertEquals(500.0f, live.payload.getMetrics().get(0).getValue());
      assertFalse(live.raw.getMetrics(0).getIsHistorical(), "what is made online is current data");
    }
  }

  @Test
  void shouldBeBornOnlyWhileItsPrimaryHostIsOnlineAndBufferWhileTheHostIsAway() throws Exception {
    // A retained STATE outlives the test on the class's broker: a host id of this run only.
    String hostId = "scada-" + System.nanoTime();
    long t0 = System.currentTimeMillis() - 10_000;
    try (HostRecorder host = new HostRecorder(broker.port(), "primary")) {
      host.hostState(hostId, false, 1_000); // the host's will, retained since it went away
      try (SparkplugEdgeNode node = node("primary", broker.port(), null, null).primaryHostId(hostId)
          .bufferDirectory(dir).build()) {
        node.start();
        await("connected, waiting for the primary host", () -> node.metrics().waitingForPrimaryHost());
        node.onSamples(batch(t0, 1));
        node.onSamples(batch(t0 + 1, 2));
        assertEquals(2, node.metrics().recordsPending());
        assertEquals(List.of(), host.received(), "no birth, no data while the primary host is offline");
        assertFalse(node.isOnline());

        // The host comes online: births, then what waited, as history.
        host.hostState(hostId, true, 2_000);
        long bdSeq = bdSeq(host.expect("NBIRTH", null));
        host.expect("DBIRTH", "press3");
        for (int i = 1; i <= 2; i++) {
          Metric metric = host.expect("DDATA", "press3").payload.getMetrics().get(0);
          assertEquals((float) i, metric.getValue());
          assertTrue(metric.isHistorical());
        }
        await("online", node::isOnline);

        // A STATE older than the one heard last was overtaken on its way (a will after the next birth): ignored.
        host.hostState(hostId, false, 1_500);
        node.onSamples(batch(System.currentTimeMillis(), 3));
        Msg live = host.expect("DDATA", "press3");
        assertFalse(live.raw.getMetrics(0).getIsHistorical(), "still born: the stale STATE was ignored");

        // The host goes away: the node ends its session with an NDEATH and keeps its data until the host is back.
        host.hostState(hostId, false, 3_000);
        assertEquals(bdSeq, bdSeq(host.expect("NDEATH", null)), "the NDEATH of the session that ends");
        await("waiting again", () -> node.metrics().waitingForPrimaryHost());
        node.onSamples(batch(t0 + 4, 4));
        host.hostState(hostId, true, 4_000);
        assertNotEquals(bdSeq, bdSeq(host.expect("NBIRTH", null)), "a new session");
        host.expect("DBIRTH", "press3");
        Metric buffered = host.expect("DDATA", "press3").payload.getMetrics().get(0);
        assertEquals(4.0f, buffered.getValue());
        assertTrue(buffered.isHistorical());
        assertEquals(2, node.metrics().sessions());
      }
    }
  }

  @Test
  void shouldRefuseAStateThatIsNotSparkplugJson() throws Exception {
    String hostId = "scada-" + System.nanoTime();
    try (HostRecorder host = new HostRecorder(broker.port(), "badstate");
        SparkplugEdgeNode node = node("badstate", broker.port(), null, null).primaryHostId(hostId).build()) {
      node.start();
      await("waiting for the primary host", () -> node.metrics().waitingForPrimaryHost());
      host.rawState(hostId, "ONLINE"); // Sparkplug 2.2's plain text: not this version's STATE
      await("refused", () -> node.metrics().commandsRefused() == 1);
      assertTrue(node.metrics().waitingForPrimaryHost());
      host.hostState(hostId, true, 1);
      host.expect("NBIRTH", null);
    }
  }

  @Test
  void shouldDeliverAfterARestartWhatWasAcceptedWhileDisconnected() throws Exception {
    FakeDevice plc = new FakeDevice();
    int n = 20;
    long t0 = System.currentTimeMillis() - 10_000;
    try (LinkProxy link = new LinkProxy(broker.port());
        HostRecorder host = new HostRecorder(broker.port(), "restart")) {
      link.cut();
      try (SparkplugEdgeNode first = node("restart", link.port(), plc, null).bufferDirectory(dir).build()) {
        first.start();
        for (int i = 0; i < n; i++) {
          first.onSamples(batch(t0 + i, i));
        }
        assertEquals(n, first.metrics().recordsPending());
      } // closed while never connected: the records stay on disk

      link.restore();
      try (SparkplugEdgeNode second = node("restart", link.port(), plc, null).bufferDirectory(dir).build()) {
        second.start();
        Msg first = host.next();
        if (first.type.equals("NDEATH")) {
          // The first node's CONNECT may have waited in the cut link and reached the broker on restore: its session
          // then ends with its will. An NDEATH of that earlier session is allowed before the new birth.
          first = host.next();
        }
        assertEquals("NBIRTH", first.type, "unexpected message " + first);
        host.expect("DBIRTH", "press3");
        for (int i = 0; i < n; i++) {
          Metric metric = host.expect("DDATA", "press3").payload.getMetrics().get(0);
          assertEquals((float) i, metric.getValue());
          assertEquals(t0 + i, metric.getTimestamp().getTime());
          assertTrue(metric.isHistorical());
        }
        await("buffer drained", () -> second.metrics().recordsPending() == 0);
      }
    }
  }

  @Test
  void shouldWriteFromDcmdOnlyThroughTheGuardOfAWritableMetric() throws Exception {
    FakeDevice plc = new FakeDevice();
    plc.values.put("setpoint", 40.0);
    try (WriteGuard guard = WriteGuard.newBuilder().device(plc).tag(SETPOINT).range(0, 100).maxStep(20)
        .minInterval(Duration.ZERO).mode(GuardMode.LIVE).build();
        HostRecorder host = new HostRecorder(broker.port(), "dcmd");
        SparkplugEdgeNode node = node("dcmd", broker.port(), plc, guard).build()) {
      guard.start();
      node.start();
      host.expect("NBIRTH", null);
      Msg dbirth = host.expect("DBIRTH", "press3");
      assertEquals(UINT16, raw(dbirth, "setpoint").getDatatype());

      // Not writable: refused, nothing written.
      host.command("DCMD", "line1", "press3", List.of(
          new Metric.MetricBuilder("temperature", MetricDataType.Float, 99f).createMetric()));
      await("temperature command refused", () -> node.metrics().commandsRefused() == 1);

      // Writable, but beyond the guard's step of 20 from 40: clamped to 60 by the guard, then written.
      host.command("DCMD", "line1", "press3", List.of(
          new Metric.MetricBuilder("setpoint", MetricDataType.UInt16, 75).createMetric()));
      await("setpoint written through the guard", () -> plc.values.get("setpoint") == 60.0);
      assertEquals(List.of("setpoint=60"), plc.writes, "only the guard wrote, and only the setpoint");
      assertEquals(1, node.metrics().commandsRefused());
    }
  }
  @Test
  void shouldDeliverAfterTheGatewayProcessWasKilledWhileDisconnected() throws Exception {
    int n = 30;
    long t0 = System.currentTimeMillis() - 10_000;
    int nowhere = EmbeddedBroker.freePort(); // nothing listens: the broker is unreachable for the whole run
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process gateway = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        KilledGateway.class.getName(), Integer.toString(nowhere), dir.toString(), Integer.toString(n), Long.toString(t0))
        .redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.equals(KilledGateway.ACCEPTED)) {
        // its log lines
      }
      assertEquals(KilledGateway.ACCEPTED, line, "the gateway accepted its records");
    } finally {
      gateway.destroyForcibly(); // SIGKILL: no close, no shutdown hook, no flush
      gateway.waitFor();
    }

    try (HostRecorder host = new HostRecorder(broker.port(), "killed");
        SparkplugEdgeNode node = node("killed", broker.port(), null, null).bufferDirectory(dir).build()) {
      node.start();
      host.expect("NBIRTH", null);
      host.expect("DBIRTH", "press3");
      for (int i = 0; i < n; i++) {
        Metric metric = host.expect("DDATA", "press3").payload.getMetrics().get(0);
        assertEquals((float) i, metric.getValue());
        assertEquals(t0 + i, metric.getTimestamp().getTime());
        assertTrue(metric.isHistorical());
      }
    }
  }

  /** A gateway in its own JVM: accepts records while its broker is unreachable, then waits to be killed. */
  static final class KilledGateway {
    static final String ACCEPTED = "ACCEPTED";

    public static void main(String[] args) throws Exception {
      SparkplugEdgeNode node = node("killed", Integer.parseInt(args[0]), null, null)
          .bufferDirectory(Path.of(args[1])).build();
      node.start();
      long t0 = Long.parseLong(args[3]);
      for (int i = 0; i < Integer.parseInt(args[2]); i++) {
        node.onSamples(batch(t0 + i, i));
      }
      System.out.println(ACCEPTED);
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
