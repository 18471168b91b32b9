package io.aifactory.sdk.it.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.testkit.RecordedWrite;
import io.aifactory.sdk.testkit.opcua.OpcUaSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator speaks plain OPC UA: a hand-configured Milo client reads, writes and subscribes, with and without security. */
class OpcUaSimulatorPlainClientTest {
  @TempDir static Path tmp;
  static OpcUaSimulator sim;

  @BeforeAll
  static void start() {
    sim = OpcUaSimulator.newBuilder().tags(OpcUaTestSupport.ALL).pkiDir(tmp)
        .securityNone(true).user("operator", "secret").range(OpcUaTestSupport.SETPOINT.name(), 0, 100).build();
    sim.start();
  }

  @AfterAll
  static void stop() {
    if (sim != null) sim.close();
  }

  @Test
  void shouldServeAPlainClientWithoutSecurity() throws Exception {
    exercise(PlainMiloClient.connect(sim.uri().toString(), SecurityPolicy.None, MessageSecurityMode.None, null, null));
  }

  @Test
  void shouldServeAPlainClientWithSignAndEncryptAndAUser() throws Exception {
    exercise(PlainMiloClient.connect(sim.uri().toString(), SecurityPolicy.Basic256Sha256,
        MessageSecurityMode.SignAndEncrypt, "operator", "secret"));
  }

  @Test
  void shouldServeAPlainClientWithSignOnly() throws Exception {
    exercise(PlainMiloClient.connect(sim.uri().toString(), SecurityPolicy.Basic256Sha256, MessageSecurityMode.Sign,
        null, null));
  }

  private static void exercise(OpcUaClient client) throws Exception {
    try {
      NodeId float64 = NodeId.parse("ns=2;s=Plant.Float64");
      NodeId vibration = NodeId.parse("ns=2;s=Line1.Vibration");
      NodeId setpoint = NodeId.parse("ns=2;s=Line1.Setpoint");

      // read
      sim.set(OpcUaTestSupport.FLOAT64.name(), 4.5);
      float[] wave = OpcUaTestSupport.waveform(0.25f);
      sim.set(OpcUaTestSupport.VIBRATION.name(), wave);
      List<DataValue> read = client.readValues(0.0, TimestampsToReturn.Both, List.of(float64, vibration));
      assertEquals(4.5, read.get(0).getValue().getValue());
      Float[] boxed = (Float[]) read.get(1).getValue().getValue();
      float[] unboxed = new float[boxed.length];
      for (int i = 0; i < boxed.length; i++) unboxed[i] = boxed[i];
      assertArrayEquals(wave, unboxed);

      // write, recorded, and a write outside the range refused
      int before = sim.writes().size();
      List<StatusCode> codes = client.writeValues(List.of(setpoint, setpoint),
          List.of(DataValue.valueOnly(new Variant(55.0)), DataValue.valueOnly(new Variant(500.0))));
      assertTrue(codes.get(0).isGood(), codes::toString);
      assertEquals(StatusCodes.Bad_OutOfRange, codes.get(1).getValue());
      assertEquals(55.0, sim.get(OpcUaTestSupport.SETPOINT.name()));
      RecordedWrite last = sim.writes().get(sim.writes().size() - 1);
      assertEquals(before + 1, sim.writes().size());
      assertEquals(OpcUaTestSupport.SETPOINT.name(), last.tagName());
      assertEquals(55.0, last.value());

      // subscribe
      List<Object> seen = new CopyOnWriteArrayList<>();
      OpcUaSubscription subscription = new OpcUaSubscription(client, 50.0);
      OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(float64);
      item.setSamplingInterval(50.0);
      item.setQueueSize(uint(1));
      item.setDataValueListener((i, v) -> seen.add(v.getValue().getValue()));
      subscription.addMonitoredItem(item);
      subscription.create();
      subscription.synchronizeMonitoredItems();
      assertTrue(item.getCreateResult().orElseThrow().isGood());
      sim.set(OpcUaTestSupport.FLOAT64.name(), 6.25);
      assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> seen.contains(6.25)), seen::toString);
      subscription.delete();
    } finally {
      client.disconnect();
    }
  }
}
