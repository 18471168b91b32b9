package io.aifactory.sdk.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A slave that is silent on a serial port turns its rows BAD(TIMEOUT) and leaves the port open: closing a serial port
 * can take hundreds of milliseconds, which the rows would wait for, and reopening it cures nothing.
 */
class ModbusDeviceSilentSerialSlaveTest {
  @Test
  void shouldKeepAPortThatSurvivesTimeoutsOpenWhenItsSlaveIsSilent() {
    AtomicInteger opened = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    Transport silent = new Transport() {
      @Override
      public void connect() {
        opened.incrementAndGet();
      }

      @Override
      public int exchange(int unit, byte[] request, int requestLength, byte[] response) throws SocketTimeoutException {
        throw new SocketTimeoutException("unit " + unit + " did not answer");
      }

      @Override
      public boolean survivesTimeout() {
        return true;
      }

      @Override
      public String describe() {
        return "a serial port whose slave is silent";
      }

      @Override
      public void close() {
        closed.incrementAndGet();
      }
    };
    ModbusSettings settings = ModbusSettings.of(URI.create("modbus+rtu:///dev/ttyFAKE?timeout=100"), DeviceOptions.defaults());
    ModbusDevice device = new ModbusDevice(settings, DeviceOptions.defaults(), () -> silent);
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    device.addStateListener((d, state, cause) -> states.add(state));
    device.start();
    try {
      device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
      List<Tag> tags = List.of(Tag.of("a", "holding:0", DataType.UINT16), Tag.of("b", "holding:500", DataType.UINT16));
      for (int i = 0; i < 3; i++) {
        SampleBatch batch = device.read(tags).orTimeout(10, TimeUnit.SECONDS).join();
        assertEquals(Quality.Reason.TIMEOUT, batch.quality(0).reason());
        assertEquals(Quality.Reason.TIMEOUT, batch.quality(1).reason());
      }
      assertEquals(3, device.metrics().timeouts(), "one request timeout per cycle: the silent unit's second request is not sent");
      assertEquals(0, closed.get(), "the port was never closed");
      assertEquals(1, opened.get());
      assertEquals(ConnectionState.CONNECTED, device.state());
      assertTrue(states.stream().allMatch(s -> s == ConnectionState.CONNECTED), "states: " + states);
    } finally {
      device.close();
    }
  }
}
