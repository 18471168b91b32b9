package io.aifactory.sdk.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where the device splits reads, and what it learns from ILLEGAL_DATA_VALUE, against a scripted PLC. */
class ModbusDeviceRequestSplitTest {
  /** Holding-register reads as (address, count), in the order sent. */
  private final List<int[]> reads = new CopyOnWriteArrayList<>();
  private ModbusDevice device;

  @AfterEach
  void tearDown() {
    if (device != null) device.close();
  }

  /** Opens a device on a PLC that answers reads of {@code refused} register counts with ILLEGAL_DATA_VALUE. */
  private void open(IntPredicate refused) {
    Transport plc = new Transport() {
      @Override
      public void connect() {}

      @Override
      public int exchange(int unit, byte[] request, int requestLength, byte[] response) {
        int fc = request[0] & 0xff;
        int address = ((request[1] & 0xff) << 8) | (request[2] & 0xff);
        int count = ((request[3] & 0xff) << 8) | (request[4] & 0xff);
        reads.add(new int[] {address, count});
        if (fc != 3 || refused.test(count)) {
          response[0] = (byte) (fc | 0x80);
          response[1] = 3;
          return 2;
        }
        response[0] = 3;
        response[1] = (byte) (count * 2);
        for (int i = 0; i < count * 2; i++) response[2 + i] = 0;
        return 2 + count * 2;
      }

      @Override
      public String describe() {
        return "a scripted PLC";
      }

      @Override
      public void close() {}
    };
    ModbusSettings settings = ModbusSettings.of(URI.create("modbus+tcp://plc:502?maxGap=0"), DeviceOptions.defaults());
    device = new ModbusDevice(settings, DeviceOptions.defaults(), () -> plc);
    device.start();
    device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
  }

  private SampleBatch read(Tag... tags) {
    return device.read(List.of(tags)).orTimeout(10, TimeUnit.SECONDS).join();
  }

  private static List<Tag> adjacentWords(int n) {
    List<Tag> tags = new ArrayList<>();
    for (int i = 0; i < n; i++) tags.add(Tag.of("w" + i, "holding:" + (1000 + i), DataType.UINT16));
    return tags;
  }

  @Test
  void shouldNeverSplitAFloatBetweenTwoRequests() {
    open(count -> false);
    assertTrue(read(Tag.of("wave", "holding:300:float32[64]", DataType.arrayOf(DataType.Kind.FLOAT32, 64))).allGood());
    assertEquals(2, reads.size());
    assertEquals(List.of(300, 124, 424, 4), List.of(reads.get(0)[0], reads.get(0)[1], reads.get(1)[0], reads.get(1)[1]));
  }

  @Test
  void shouldNotLowerTheLimitWhenASingleValueIsRefused() {
    open(count -> count == 4);
    SampleBatch batch = read(Tag.of("d", "holding:0:float64", DataType.FLOAT64));
    assertTrue(batch.quality(0).isBad());
    assertEquals(1, device.plan(adjacentWords(125)).requestCount(), "the device-wide limit is still 125");
  }

  @Test
  void shouldLowerTheLimitBetweenElementsWhenAnArrayChunkIsRefused() {
    open(count -> count > 100);
    assertTrue(read(Tag.of("wave", "holding:300:float32[64]", DataType.arrayOf(DataType.Kind.FLOAT32, 64))).allGood());
    for (int[] r : reads.subList(1, reads.size())) {
      assertEquals(0, r[1] % 2, "a retried request holds whole floats: " + r[0] + " ×" + r[1]);
      assertTrue(r[1] <= 100);
    }
    assertEquals(3, device.plan(adjacentWords(125)).requestCount(), "later plans use the lowered limit, 62");
  }
}
