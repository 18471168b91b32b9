package io.aifactory.sdk.it.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.modbus.ModbusExceptionCode;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An address the PLC refuses with ILLEGAL_DATA_ADDRESS (02) is a learned hole: asked again rarely, BAD every cycle. */
class ModbusHoleBackoffTest {
  private static final Tag BEFORE = Tag.of("before", "holding:0", DataType.UINT16);
  private static final Tag GONE = Tag.of("gone", "holding:1", DataType.UINT16);
  private static final Tag AFTER = Tag.of("after", "holding:2", DataType.UINT16);
  private static final List<Tag> TAGS = List.of(BEFORE, GONE, AFTER);

  private ModbusSimulator plc;
  private Device device;

  @AfterEach
  void tearDown() {
    if (device != null) device.close();
    if (plc != null) plc.close();
  }

  @ParameterizedTest(name = "pipeline={0}")
  @ValueSource(ints = {1, 8})
  void shouldBackOffALearnedHoleButReportItBadEveryCycle(int pipeline) {
    plc = ModbusSimulator.newBuilder().unit(1, TAGS).build();
    plc.start();
    plc.set("before", 7);
    plc.set("gone", 8);
    plc.set("after", 9);
    plc.exception("gone", ModbusExceptionCode.ILLEGAL_DATA_ADDRESS);
    device = Devices.open(plc.uri() + "&pipeline=" + pipeline, DeviceOptions.newBuilder().requestTimeout(Duration.ofSeconds(5)).build());
    device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
    device.read(TAGS).join(); // learns the hole: the merged request is refused, then each tag alone
    int cycles = 20;
    long before = plc.requestCount(3);
    for (int cycle = 0; cycle < cycles; cycle++) {
      SampleBatch batch = device.read(TAGS).orTimeout(10, TimeUnit.SECONDS).join();
      assertEquals(3, batch.size(), "never a missing row");
      assertEquals(7L, batch.value(0));
      assertEquals(9L, batch.value(2));
      assertEquals(Quality.Reason.DEVICE_ERROR, batch.quality(1).reason(), "cycle " + cycle + ": " + batch);
      assertEquals(2, batch.quality(1).rawStatus(), "cycle " + cycle + ": " + batch);
      assertTrue(Double.isNaN(batch.doubleValue(1)), "never a stale value");
    }
    long requests = plc.requestCount(3) - before;
    // Two requests per cycle for the tags around the hole; the hole itself only on its rare retries (after 1 s, then
    // 2, 4, … up to 60 s), however slowly these cycles ran. Without the backoff it would be 3 per cycle.
    assertTrue(requests <= 2L * cycles + 6, "requests for " + cycles + " cycles: " + requests);

    plc.clearExceptions();
    Await.until("the hole's retry finds the address back", () -> device.read(TAGS).join().allGood());
    assertEquals(8L, device.read(TAGS).join().value(1));
  }
}
