package io.aifactory.sdk.it.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.ReconnectPolicy;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One RS-485 bus behind one gateway: three slaves (units 1, 2, 3) at the same register addresses, read as one tag
 * list over the device's one connection, with one slave silent.
 */
class ModbusMultiDropTest {
  // Unit 1 is the URI's default unit, so its tags need no suffix; the others name their unit.
  private static final Tag LEVEL_1 = Tag.of("level1", "holding:10:float32", DataType.FLOAT32);
  private static final Tag COUNT_1 = Tag.of("count1", "holding:20:uint16", DataType.UINT16);
  private static final Tag LEVEL_2 = Tag.of("level2", "holding:10:float32@2", DataType.FLOAT32);
  private static final Tag COUNT_2 = Tag.of("count2", "holding:20:uint16@2", DataType.UINT16);
  private static final Tag LEVEL_3 = Tag.of("level3", "holding:10:float32@3", DataType.FLOAT32);
  private static final Tag RUN_3 = Tag.of("run3", "coil:4@3", DataType.BOOL);
  private static final List<Tag> TAGS = List.of(LEVEL_1, LEVEL_2, LEVEL_3, COUNT_1, COUNT_2, RUN_3);

  private ModbusSimulator plc;
  private Device device;
  private final List<ConnectionState> states = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() {
    if (device != null) device.close();
    if (plc != null) plc.close();
  }

  private void open(boolean rtuOverTcp) {
    plc = ModbusSimulator.newBuilder()
        .unit(1, List.of(LEVEL_1, COUNT_1))
        .unit(2, List.of(LEVEL_2, COUNT_2))
        .unit(3, List.of(LEVEL_3, RUN_3))
        .rtuOverTcp(rtuOverTcp)
        .build();
    plc.start();
    plc.set("level1", 1.5);
    plc.set("level2", 2.5);
    plc.set("level3", 3.5);
    plc.set("count1", 10);
    plc.set("count2", 20);
    plc.set("run3", true);
    DeviceOptions options = DeviceOptions.newBuilder()
        .requestTimeout(Duration.ofMillis(300))
        .reconnectPolicy(ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(100)).build())
        .build();
    device = Devices.open(plc.uri().toString(), options);
    device.addStateListener((d, state, cause) -> states.add(state));
    device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldReadAndWriteEachSlaveOfTheBusOverOneConnection(boolean rtuOverTcp) {
    open(rtuOverTcp);
    SampleBatch batch = device.read(TAGS).orTimeout(10, TimeUnit.SECONDS).join();
    assertTrue(batch.allGood(), batch.toString());
    assertEquals(1.5, batch.doubleValue(0));
    assertEquals(2.5, batch.doubleValue(1));
    assertEquals(3.5, batch.doubleValue(2));
    assertEquals(10L, batch.value(3));
    assertEquals(20L, batch.value(4));
    assertEquals(true, batch.value(5));
    device.write(COUNT_2, 21).orTimeout(10, TimeUnit.SECONDS).join();
    assertEquals(21L, ((Number) plc.get("count2")).longValue(), "written to unit 2");
    assertEquals(10L, ((Number) plc.get("count1")).longValue(), "unit 1's register at the same address untouched");
    assertEquals(1, plc.connectionCount(), "one connection for the whole bus");
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldTimeOutOnlyTheSilentSlaveAndKeepTheSharedConnection(boolean rtuOverTcp) {
    open(rtuOverTcp);
    plc.silence(2, true);
    for (int cycle = 0; cycle < 3; cycle++) {
      SampleBatch batch = device.read(TAGS).orTimeout(10, TimeUnit.SECONDS).join();
      assertEquals(Quality.Reason.TIMEOUT, batch.quality(1).reason(), "cycle " + cycle + ": " + batch);
      assertEquals(Quality.Reason.TIMEOUT, batch.quality(4).reason(), "cycle " + cycle + ": " + batch);
      assertEquals(1.5, batch.doubleValue(0), "cycle " + cycle + ": " + batch);
      assertEquals(3.5, batch.doubleValue(2), "cycle " + cycle + ": " + batch);
      assertEquals(10L, batch.value(3), "cycle " + cycle + ": " + batch);
      assertEquals(true, batch.value(5), "cycle " + cycle + ": " + batch);
    }
    List<SampleBatch> polled = new CopyOnWriteArrayList<>();
    // A period longer than the silent slave's timeout, so that every poll runs: a poll that could not run is BAD for
    // every unit, which is right but not what this test is about.
    try (Subscription s = device.subscribe(TAGS, SubscriptionOptions.every(Duration.ofMillis(1000)), polled::add)) {
      Await.until("three polls", () -> polled.size() >= 3);
    }
    for (SampleBatch batch : polled) {
      assertTrue(batch.isGood(0) && batch.isGood(2) && batch.isGood(3) && batch.isGood(5), batch.toString());
      assertEquals(Quality.Reason.TIMEOUT, batch.quality(1).reason(), batch.toString());
    }
    plc.silence(2, false);
    Await.until("unit 2 answers again", () -> device.read(TAGS).join().allGood());
    assertEquals(1, plc.connectionCount(), "the silent slave never closed the shared connection");
    // The listener may have missed the first CONNECTED (added after it); it must never have heard anything else.
    assertTrue(states.stream().allMatch(ConnectionState.CONNECTED::equals), states.toString());
  }

  @org.junit.jupiter.api.Test
  void shouldSkipTheLateReplyOfASlaveThatTimedOutRatherThanTakeItForAnotherUnitsReply() {
    open(false);
    // Unit 2 answers after its request timed out; the gateway answers unit 3 only after that late reply.
    plc.delayReplies(2, Duration.ofMillis(450));
    for (int cycle = 0; cycle < 3; cycle++) {
      SampleBatch batch = device.read(TAGS).orTimeout(10, TimeUnit.SECONDS).join();
      assertEquals(Quality.Reason.TIMEOUT, batch.quality(1).reason(), batch.toString());
      for (int i = 0; i < batch.size(); i++) {
        assertTrue(batch.quality(i).reason() != Quality.Reason.PROTOCOL_ERROR, "a late reply taken for another: " + batch);
      }
    }
    plc.delayReplies(2, Duration.ZERO);
    Await.until("all answer in time again", () -> device.read(TAGS).join().allGood());
  }
}
