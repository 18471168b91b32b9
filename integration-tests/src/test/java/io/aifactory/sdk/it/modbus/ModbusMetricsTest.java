package io.aifactory.sdk.it.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceMetrics;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.ReconnectPolicy;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.modbus.ModbusExceptionCode;
import io.aifactory.sdk.modbus.ModbusMetrics;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a Modbus device counts, read through the driver-neutral {@link DeviceMetrics} a Micrometer binding uses. */
class ModbusMetricsTest {
  private ModbusSimulator plc;
  private Device device;

  @AfterEach
  void tearDown() {
    if (device != null) device.close();
    if (plc != null) plc.close();
  }

  private List<Tag> open(String query) {
    List<Tag> tags = new ArrayList<>();
    for (int i = 0; i < 1000; i++) tags.add(Tag.of("r" + i, "holding:" + (i * 4), DataType.UINT16));
    plc = ModbusSimulator.newBuilder().unit(1, tags).build();
    plc.start();
    DeviceOptions options = DeviceOptions.newBuilder()
        .requestTimeout(Duration.ofSeconds(2)) // generous: only the stalled read may time out
        .reconnectPolicy(ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(100)).build())
        .build();
    device = Devices.open(plc.uri() + query, options);
    device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
    return tags;
  }

  @Test
  void shouldCountRequestsRefusalsTimeoutsReconnectsAndPolls() {
    List<Tag> tags = open("");
    DeviceMetrics m = device.metrics();
    assertEquals(0, m.requests());
    device.read(tags).join();
    assertEquals(32, m.requests(), "1000 tags over 4000 registers: 32 requests");
    assertEquals(plc.requestCount(), m.requests());
    assertEquals(32, assertInstanceOf(ModbusMetrics.class, m).planRequests(), "the read plan's size");
    assertEquals(1, m.polls());
    assertTrue(m.pollNanos() > 0);

    plc.exception("r0", ModbusExceptionCode.ILLEGAL_DATA_ADDRESS);
    device.read(tags).join();
    assertTrue(m.exceptionReplies() >= 2, "the merged request and r0 alone: " + m.exceptionReplies());
    plc.clearExceptions();

    assertEquals(0, m.timeouts());
    assertEquals(0, m.reconnects());
    plc.stall(true);
    assertEquals(Quality.Reason.TIMEOUT, device.read(tags).join().quality(5).reason());
    assertEquals(1, m.timeouts());
    plc.stall(false);
    Await.until("reconnected", () -> m.reconnects() == 1);
    assertEquals(3, m.polls());
  }

  @Test
  void shouldCountPollsTheSubscriptionCouldNotRunAndKeepThemAfterItCloses() {
    List<Tag> tags = open("&pipeline=8");
    assertEquals(8, ((ModbusMetrics) device.metrics()).pipelineDepth());
    long missed;
    // A listener slower than the period makes the ticks meanwhile missed polls.
    try (Subscription s = device.subscribe(tags.subList(0, 2), SubscriptionOptions.every(Duration.ofMillis(20)), batch -> sleep(200))) {
      Await.until("missed polls", () -> s.overruns() >= 3);
      missed = s.overruns();
      assertTrue(device.metrics().missedPolls() >= missed);
    }
    assertTrue(device.metrics().missedPolls() >= missed, "still counted once the subscription closed");
    assertTrue(device.metrics().polls() >= 1);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
