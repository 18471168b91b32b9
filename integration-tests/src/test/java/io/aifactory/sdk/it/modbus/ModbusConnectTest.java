package io.aifactory.sdk.it.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.DeviceTimeoutException;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.ReconnectPolicy;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The first request after {@code Devices.open}, and waiting for a connection that does not come. */
class ModbusConnectTest {
  private static final Tag LEVEL = Tag.of("level", "holding:10:float32:cdab", DataType.FLOAT32);
  private static final Tag COUNT = Tag.of("count", "holding:20:uint16", DataType.UINT16);

  private ModbusSimulator plc;

  @AfterEach
  void tearDown() {
    if (plc != null) plc.close();
  }

  private static DeviceOptions options(Duration connectTimeout) {
    return DeviceOptions.newBuilder().connectTimeout(connectTimeout)
        .reconnectPolicy(ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(100)).build())
        .build();
  }

  @Test
  void shouldAnswerTheFirstReadAndWriteAfterOpenFromThePlc() {
    plc = ModbusSimulator.newBuilder().unit(1, List.of(LEVEL, COUNT)).build();
    plc.start();
    plc.set("level", 4.5);
    // The README's first snippet, many times: the read comes while the device is still connecting.
    for (int i = 0; i < 20; i++) {
      try (Device device = Devices.open(plc.uri().toString(), options(Duration.ofSeconds(30)))) {
        SampleBatch batch = device.read(List.of(LEVEL)).orTimeout(60, TimeUnit.SECONDS).join();
        assertTrue(batch.isGood(0), "open #" + i + ": " + batch.quality(0));
        assertEquals(4.5, batch.doubleValue(0));
      }
      try (Device device = Devices.open(plc.uri().toString(), options(Duration.ofSeconds(30)))) {
        device.write(COUNT, i).orTimeout(60, TimeUnit.SECONDS).join();
        assertEquals(i, ((Number) plc.get("count")).intValue());
      }
    }
  }

  @Test
  void shouldAnswerBadAfterWaitingForAConnectionThatDoesNotCome() {
    URI nobody = closedPort();
    try (Device device = Devices.open(nobody.toString(), options(Duration.ofMillis(200)))) {
      SampleBatch batch = device.read(List.of(LEVEL)).orTimeout(60, TimeUnit.SECONDS).join();
      assertEquals(Quality.Reason.DISCONNECTED, batch.quality(0).reason());
      CompletionException write = assertThrows(CompletionException.class,
          () -> device.write(COUNT, 1).orTimeout(60, TimeUnit.SECONDS).join());
      assertTrue(write.getCause().getMessage().contains("not written"), write.getCause().getMessage());
    }
  }

  @Test
  void shouldFailATimedWaitForTheConnectionWithTheLastError() {
    URI nobody = closedPort();
    try (Device device = Devices.open(nobody.toString(), options(Duration.ofMillis(200)))) {
      Await.until("a failed connection attempt", () -> device.lastError().isPresent());
      CompletionException e = assertThrows(CompletionException.class,
          () -> device.whenConnected(Duration.ofMillis(300)).orTimeout(60, TimeUnit.SECONDS).join());
      assertInstanceOf(DeviceTimeoutException.class, e.getCause());
      assertTrue(e.getCause().getCause() != null, "the last error is the cause");
      assertTrue(e.getCause().getMessage().contains(nobody.getHost()), e.getCause().getMessage());
    }
  }

  @Test
  void shouldCompleteATimedWaitAndClearTheLastErrorOnceConnected() {
    plc = ModbusSimulator.newBuilder().unit(1, List.of(LEVEL, COUNT)).build();
    plc.start();
    try (Device device = Devices.open(plc.uri().toString(), options(Duration.ofSeconds(30)))) {
      device.whenConnected(Duration.ofSeconds(60)).orTimeout(60, TimeUnit.SECONDS).join();
      assertTrue(device.lastError().isEmpty());
    }
  }

  /** Returns the URI of a port on which nothing listens (a simulator's, after it stopped). */
  private static URI closedPort() {
    try (ModbusSimulator gone = ModbusSimulator.newBuilder().unit(1, List.of(LEVEL)).build()) {
      gone.start();
      return gone.uri();
    }
  }
}
