package io.aifactory.sdk.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.ReconnectPolicy;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A connection attempt that fails, with an exception (a port that cannot be opened) or an Error (a missing native
 * serial library), is reported at once as DISCONNECTED with the reason, and retried.
 */
class ModbusDeviceConnectErrorTest {
  @Test
  void shouldReportAnErrorWhileConnectingAndKeepRetrying() {
    AtomicInteger attempts = new AtomicInteger();
    Transport flaky = new Transport() {
      @Override
      public void connect() {
        if (attempts.incrementAndGet() <= 2) throw new UnsatisfiedLinkError("no jSerialComm in java.library.path");
      }

      @Override
      public int exchange(int unit, byte[] request, int requestLength, byte[] response) {
        throw new UnsupportedOperationException("not used");
      }

      @Override
      public String describe() {
        return "a port whose native library fails to load, twice";
      }

      @Override
      public void close() {}
    };
    DeviceOptions options = DeviceOptions.newBuilder()
        .reconnectPolicy(ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(10)).maxDelay(Duration.ofMillis(20)).build())
        .build();
    ModbusSettings settings = ModbusSettings.of(URI.create("modbus+rtu:///dev/ttyFAKE"), options);
    ModbusDevice device = new ModbusDevice(settings, options, () -> flaky);
    CompletableFuture<Throwable> reported = new CompletableFuture<>();
    device.addStateListener((d, state, cause) -> {
      if (state == ConnectionState.DISCONNECTED) reported.complete(cause);
    });
    device.start();
    try {
      assertInstanceOf(UnsatisfiedLinkError.class, reported.orTimeout(10, TimeUnit.SECONDS).join());
      device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
      assertEquals(ConnectionState.CONNECTED, device.state());
      assertEquals(3, attempts.get());
    } finally {
      device.close();
    }
  }

  @Test
  void shouldReportAPortThatCannotBeOpenedAsDisconnectedWithTheReasonAtTheFirstAttempt() {
    AtomicInteger attempts = new AtomicInteger();
    Transport missing = new Transport() {
      @Override
      public void connect() throws IOException {
        attempts.incrementAndGet();
        throw new IOException("serial port /dev/ttyNOPE cannot be opened");
      }

      @Override
      public int exchange(int unit, byte[] request, int requestLength, byte[] response) {
        throw new UnsupportedOperationException("not used");
      }

      @Override
      public String describe() {
        return "/dev/ttyNOPE";
      }

      @Override
      public void close() {}
    };
    DeviceOptions options = DeviceOptions.newBuilder()
        .reconnectPolicy(ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(10)).maxDelay(Duration.ofMillis(20)).build())
        .build();
    ModbusSettings settings = ModbusSettings.of(URI.create("modbus+rtu:///dev/ttyNOPE"), options);
    ModbusDevice device = new ModbusDevice(settings, options, () -> missing);
    CompletableFuture<Throwable> reported = new CompletableFuture<>();
    device.addStateListener((d, state, cause) -> {
      if (state == ConnectionState.DISCONNECTED) reported.complete(cause);
    });
    device.start();
    try {
      Throwable cause = reported.orTimeout(10, TimeUnit.SECONDS).join();
      assertEquals("serial port /dev/ttyNOPE cannot be opened", cause.getMessage());
      assertEquals(ConnectionState.DISCONNECTED, device.state());
      // The same failure, though perhaps of a later attempt: retries every 10-20 ms replace the exception object.
      assertEquals(cause.getMessage(), device.lastError().orElseThrow().getMessage());
      while (attempts.get() < 3) Thread.onSpinWait(); // still retrying, with the backoff
    } finally {
      device.close();
    }
  }
}
