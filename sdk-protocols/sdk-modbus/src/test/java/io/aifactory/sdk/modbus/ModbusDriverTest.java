package io.aifactory.sdk.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.AddressException;
import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.ReconnectPolicy;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The driver on its own: found by scheme, checking addresses, and failing soft when there is no device at all. */
class ModbusDriverTest {
  private static final DeviceOptions FAST = DeviceOptions.newBuilder()
      .requestTimeout(Duration.ofMillis(200)).connectTimeout(Duration.ofMillis(200))
      .reconnectPolicy(ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(50)).maxDelay(Duration.ofMillis(200)).build())
      .build();

  @Test
  void shouldBeFoundByEachOfItsSchemes() {
    for (String scheme : List.of("modbus+tcp", "modbus+rtu+tcp", "modbus+rtu")) {
      assertInstanceOf(ModbusDriver.class, Devices.driver(scheme));
    }
  }

  @Test
  void shouldReportAMistypedTableTheWayTheConfigLoaderShowsIt() {
    AddressException e = assertThrows(AddressException.class,
        () -> new ModbusDriver().checkAddress(Tag.of("t", "holdin:3", DataType.UINT16)));
    assertEquals("unknown table 'holdin' (expected coil, discrete, input, holding)", e.getMessage());
  }

  @Test
  void shouldGiveDisconnectedRowsNotExceptionsWhileNothingListens() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Tag t = Tag.of("t", "holding:0", DataType.UINT16);
    try (Device device = Devices.open("modbus+tcp://127.0.0.1:" + port + "?unit=1", FAST)) {
      SampleBatch batch = device.read(List.of(t)).orTimeout(5, TimeUnit.SECONDS).join();
      assertEquals(Quality.Reason.DISCONNECTED, batch.quality(0).reason());
      assertThrows(CompletionException.class, () -> device.write(t, 1).join());
      assertTrue(device.state() == ConnectionState.CONNECTING || device.state() == ConnectionState.DISCONNECTED);
      CompletionException bad = assertThrows(CompletionException.class,
          () -> device.read(List.of(Tag.of("x", "holding:40001", DataType.UINT16))).join());
      assertInstanceOf(AddressException.class, bad.getCause());
    }
  }

  @Test
  void shouldOpenASerialDeviceWhosePortIsMissingWithoutThrowingOrHanging() {
    // No serial port on a build machine: j2mod's serial layer fails to open it, and the device keeps retrying.
    Tag t = Tag.of("t", "holding:0", DataType.UINT16);
    try (Device device = Devices.open("modbus+rtu:///dev/ttyAIFACTORY-MISSING?baud=19200&parity=even&stop=1&unit=3", FAST)) {
      SampleBatch batch = device.read(List.of(t)).orTimeout(5, TimeUnit.SECONDS).join();
      assertTrue(batch.quality(0).isBad());
      assertTrue(device.state() != ConnectionState.CONNECTED);
    }
  }
}
