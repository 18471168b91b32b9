package io.aifactory.sdk.it.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.ReconnectPolicy;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** User callbacks that block on the device itself: the driver must not run them where its requests run. */
class ModbusDriverCallbackTest {
  private static final Tag LEVEL = Tag.of("level", "holding:10:float32", DataType.FLOAT32);
  private static final Tag COUNT = Tag.of("count", "holding:20:uint16", DataType.UINT16);
  private static final List<Tag> TAGS = List.of(LEVEL, COUNT);

  private ModbusSimulator plc;
  private Device device;

  @AfterEach
  void tearDown() {
    if (device != null) device.close();
    if (plc != null) plc.close();
  }

  private static DeviceOptions options() {
    return DeviceOptions.newBuilder()
        .requestTimeout(Duration.ofMillis(500))
        .connectTimeout(Duration.ofMillis(500))
        .reconnectPolicy(ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(50)).build())
        .build();
  }

  private void startPlc() {
    plc = ModbusSimulator.newBuilder().unit(1, TAGS).build();
    plc.start();
    plc.set("level", 4.5);
    plc.set("count", 3);
  }

  @Test
  void shouldCompleteABlockingWriteMadeWhenConnected() {
    startPlc();
    // Open while the PLC is down, so the dependents below run when the device's own threads connect.
    plc.stop();
    device = Devices.open(plc.uri(), options());
    List<ConnectionState> readBack = new CopyOnWriteArrayList<>();
    device.addStateListener((d, state, cause) -> {
      if (state == ConnectionState.CONNECTED) {
        readBack.add(d.read(TAGS).join().allGood() ? state : ConnectionState.DISCONNECTED);
      }
    });
    CompletableFuture<Void> wrote = device.whenConnected().thenRun(() -> device.write(COUNT, 42).join());
    plc.start();
    wrote.orTimeout(10, TimeUnit.SECONDS).join();
    assertEquals(42, ((Number) plc.get("count")).intValue());
    Await.until("the state listener's read", () -> !readBack.isEmpty());
    assertEquals(List.of(ConnectionState.CONNECTED), readBack);
    assertTrue(device.read(TAGS).orTimeout(10, TimeUnit.SECONDS).join().allGood(), "later reads still run");
  }

  @Test
  void shouldCompleteABlockingReadMadeInASampleListener() {
    startPlc();
    device = Devices.open(plc.uri(), options());
    device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
    List<SampleBatch> nested = new CopyOnWriteArrayList<>();
    try (Subscription sub = device.subscribe(TAGS, SubscriptionOptions.every(Duration.ofMillis(20)),
        batch -> nested.add(device.read(TAGS).join()))) {
      Await.until("three listeners that read", () -> nested.size() >= 3);
    }
    for (SampleBatch b : nested) assertTrue(b.allGood(), "read inside a listener: " + b);
  }

  @Test
  void shouldCloseFromASampleListener() {
    startPlc();
    device = Devices.open(plc.uri(), options());
    device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
    CompletableFuture<ConnectionState> closedFromListener = new CompletableFuture<>();
    device.subscribe(TAGS, SubscriptionOptions.every(Duration.ofMillis(20)), batch -> {
      device.close();
      closedFromListener.complete(device.state());
    });
    assertEquals(ConnectionState.CLOSED, closedFromListener.orTimeout(10, TimeUnit.SECONDS).join());
    Await.until("the PLC sees the connection closed", () -> plc.openConnections() == 0);
  }

  @Test
  void shouldCompleteBlockingCallsChainedOnAReadOrWriteFuture() {
    startPlc();
    device = Devices.open(plc.uri(), options());
    device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
    // A read's future completes where the request ran; a dependent that blocks on the device must still finish.
    CompletableFuture<SampleBatch> chained = device.read(List.of(LEVEL))
        .thenApply(first -> {
          device.write(COUNT, 7).join();
          return device.read(List.of(COUNT)).join();
        });
    SampleBatch second = chained.orTimeout(10, TimeUnit.SECONDS).join();
    assertTrue(second.allGood(), second::toString);
    assertEquals(7, second.longValue(0));
    assertTrue(device.read(TAGS).orTimeout(10, TimeUnit.SECONDS).join().allGood(), "later reads still run");
  }
}
