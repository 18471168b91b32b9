package io.aifactory.sdk.it.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.modbus.ModbusMetrics;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A device whose TCP stack keeps Nagle's algorithm on holds each pipelined reply until our delayed ACK of the
 * previous one: pipelining then costs a delayed ACK per window. The driver notices and polls sequentially.
 */
class ModbusPipelineNagleTest {
  private ModbusSimulator plc;
  private Device device;

  @AfterEach
  void tearDown() {
    if (device != null) device.close();
    if (plc != null) plc.close();
  }

  @Test
  void shouldFallBackToSequentialPollingWhenPipelinedRepliesStall() {
    List<Tag> tags = new ArrayList<>();
    for (int i = 0; i < 8; i++) tags.add(Tag.of("r" + i, "holding:" + (i * 100), DataType.UINT16));
    plc = ModbusSimulator.newBuilder().unit(1, tags).tcpNoDelay(false).build();
    plc.start();
    for (int i = 0; i < 8; i++) plc.set("r" + i, 100 + i);
    // maxGap=0: eight requests per cycle, all sent in one pipelined window of eight.
    device = Devices.open(plc.uri() + "&pipeline=8&maxGap=0", DeviceOptions.newBuilder().requestTimeout(Duration.ofSeconds(5)).build());
    device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
    ModbusMetrics metrics = (ModbusMetrics) device.metrics();
    assertEquals(8, metrics.pipelineDepth());
    Await.until("pipelining turned off", () -> {
      SampleBatch batch = device.read(tags).join();
      for (int i = 0; i < 8; i++) assertEquals(100L + i, batch.value(i), "r" + i + " in " + batch);
      return metrics.pipelineDepth() == 1;
    });
    assertEquals(8, metrics.planRequests());
    for (int cycle = 0; cycle < 5; cycle++) {
      SampleBatch batch = device.read(tags).join();
      assertTrue(batch.allGood(), batch.toString());
      for (int i = 0; i < 8; i++) assertEquals(100L + i, batch.value(i));
    }
    assertEquals(1, metrics.pipelineDepth(), "stays sequential");
  }
}
