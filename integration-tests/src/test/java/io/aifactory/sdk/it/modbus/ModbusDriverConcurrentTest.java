package io.aifactory.sdk.it.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many threads share one device: requests are serialised on its connection, and nobody sees another's reply. */
class ModbusDriverConcurrentTest {
  @Test
  void shouldServeManyThreadsOnOneConnectionWithoutMixingReplies() throws Exception {
    int threads = 8;
    List<Tag> tags = new ArrayList<>();
    for (int i = 0; i < threads; i++) tags.add(Tag.of("t" + i, "holding:" + (i * 10) + ":int32", DataType.INT32));
    try (ModbusSimulator plc = ModbusSimulator.newBuilder().unit(1, tags).build()) {
      plc.start();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try (Device device = Devices.open(plc.uri().toString(), DeviceOptions.newBuilder().requestTimeout(Duration.ofSeconds(2)).build())) {
        device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
        List<Future<?>> done = new ArrayList<>();
        for (int n = 0; n < threads; n++) {
          int me = n;
          done.add(pool.submit(() -> {
            Tag mine = tags.get(me);
            for (int k = 0; k < 100; k++) {
              long value = me * 1_000_000L + k;
              device.write(mine, value).join();
              SampleBatch b = device.read(List.of(mine)).join();
              assertTrue(b.isGood(0), b.toString());
              assertEquals(value, b.longValue(0), "thread " + me + " read someone else's value");
              assertTrue(device.read(tags).join().allGood());
            }
            return null;
          }));
        }
        for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
        assertEquals(threads * 100, plc.writes().size());
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
