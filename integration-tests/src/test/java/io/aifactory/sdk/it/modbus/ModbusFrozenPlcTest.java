package io.aifactory.sdk.it.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A PLC that freezes with its socket open: every due poll still produces rows, numbered, with its due time. */
class ModbusFrozenPlcTest {
  private static final Tag LEVEL = Tag.of("level", "holding:10:float32:cdab", DataType.FLOAT32);
  private static final Duration PERIOD = Duration.ofMillis(50);

  private ModbusSimulator plc;
  private Device device;

  @AfterEach
  void tearDown() {
    if (device != null) device.close();
    if (plc != null) plc.close();
  }

  @Test
  void shouldDeliverEveryDuePollWhileThePlcIsFrozenSoThatGapsCanBeCountedFromTheData() {
    plc = ModbusSimulator.newBuilder().unit(1, List.of(LEVEL)).build();
    plc.start();
    plc.set("level", 4.5);
    device = Devices.open(plc.uri().toString(), DeviceOptions.newBuilder()
        // Many periods long, so that polls fall due while one waits for the frozen PLC.
        .requestTimeout(Duration.ofMillis(500))
        .reconnectPolicy(ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(100)).build())
        .build());
    device.whenConnected(Duration.ofSeconds(60)).join();
    List<SampleBatch> batches = new CopyOnWriteArrayList<>();
    try (Subscription s = device.subscribe(List.of(LEVEL), SubscriptionOptions.every(PERIOD), batches::add)) {
      Await.until("a GOOD poll", () -> batches.stream().anyMatch(b -> b.isGood(0)));
      plc.stall(true);
      Await.until("polls that could not run while the PLC is frozen", () -> count(batches, "could not run") >= 10
          && count(batches, "") > 0);
      plc.stall(false);
      Await.until("GOOD polls again", () -> {
        List<SampleBatch> last = new ArrayList<>(batches);
        return !last.isEmpty() && last.get(last.size() - 1).isGood(0) && count(last, "could not run") > 0;
      });
    }
    List<SampleBatch> seen = new ArrayList<>(batches);
    // Every poll from 0 on, exactly once, in order, each with its due time: no silent gap.
    for (int k = 0; k < seen.size(); k++) {
      SampleBatch b = seen.get(k);
      assertEquals(k, b.pollSequence(), "poll numbers delivered: " + sequences(seen));
      assertEquals(1, b.size());
      if (k > 0) {
        assertEquals(PERIOD.toNanos(), b.dueTimeNanos() - seen.get(k - 1).dueTimeNanos(), "due times are one period apart");
      }
      assertTrue(b.isGood(0) || b.quality(0).isBad(), "GOOD or BAD, never a stale value: " + b.quality(0));
      if (!b.isGood(0)) assertTrue(Double.isNaN(b.doubleValue(0)));
    }
  }

  /** Counts BAD(TIMEOUT) rows whose detail contains {@code text}. */
  private static long count(List<SampleBatch> batches, String text) {
    return batches.stream().filter(b -> b.quality(0).reason() == Quality.Reason.TIMEOUT
        && b.quality(0).detail().contains(text)).count();
  }

  private static List<Long> sequences(List<SampleBatch> batches) {
    List<Long> s = new ArrayList<>();
    for (SampleBatch b : batches) s.add(b.pollSequence());
    return s;
  }
}
