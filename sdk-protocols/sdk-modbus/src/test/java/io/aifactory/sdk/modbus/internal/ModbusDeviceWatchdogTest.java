package io.aifactory.sdk.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A transport that ignores its own timeout (as j2mod's serial reads have been seen to) does not hang the device. */
class ModbusDeviceWatchdogTest {
  @Test
  void shouldCloseATransportWhoseExchangeNeverReturns() {
    CountDownLatch closed = new CountDownLatch(1);
    Transport stuck = new Transport() {
      @Override
      public void connect() {}

      @Override
      public int exchange(int unit, byte[] request, int requestLength, byte[] response) throws IOException {
        try {
          closed.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IOException("port closed under a blocked read");
      }

      @Override
      public String describe() {
        return "a port that never answers";
      }

      @Override
      public void close() {
        closed.countDown();
      }
    };
    ModbusSettings settings = ModbusSettings.of(URI.create("modbus+rtu:///dev/ttyFAKE?timeout=100"), DeviceOptions.defaults());
    ModbusDevice device = new ModbusDevice(settings, DeviceOptions.defaults(), () -> stuck);
    device.start();
    try {
      device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
      SampleBatch batch = device.read(List.of(Tag.of("t", "holding:0", DataType.UINT16))).orTimeout(10, TimeUnit.SECONDS).join();
      assertTrue(batch.quality(0).isBad());
      assertEquals(Quality.Reason.DISCONNECTED, batch.quality(0).reason());
      assertEquals(0, closed.getCount(), "the watchdog closed the transport");
    } finally {
      device.close();
    }
  }
}
