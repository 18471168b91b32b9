package io.aifactory.sdk.it.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.modbus.ModbusTable;
import io.aifactory.sdk.testkit.RecordedWrite;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Gateways that lack FC06 or FC22: the writeFunction option and the driver's fallbacks. */
class ModbusDriverWriteFunctionTest {
  private static final Tag COUNT = Tag.of("count", "holding:20:uint16", DataType.UINT16);
  private static final Tag FLAG = Tag.of("flag", "holding:30.3", DataType.BOOL);
  private static final Tag WAVE = Tag.of("wave", "holding:100:float32[64]", DataType.arrayOf(DataType.Kind.FLOAT32, 64));

  private ModbusSimulator plc;
  private Device device;

  @AfterEach
  void tearDown() {
    if (device != null) device.close();
    if (plc != null) plc.close();
  }

  private void open(boolean rtuOverTcp, String query) {
    plc = ModbusSimulator.newBuilder().unit(1, List.of(COUNT, FLAG, WAVE)).rtuOverTcp(rtuOverTcp).build();
    plc.start();
    DeviceOptions options = DeviceOptions.newBuilder().requestTimeout(Duration.ofMillis(1000)).build();
    device = Devices.open(plc.uri() + query, options);
    device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
  }

  private void write(Tag tag, Object value) {
    device.write(tag, value).orTimeout(10, TimeUnit.SECONDS).join();
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldWriteEveryRegisterWithFc16WhenWriteFunctionIsFc16(boolean rtuOverTcp) {
    open(rtuOverTcp, "&writeFunction=fc16");
    plc.refuseFunctionCode(6);
    plc.refuseFunctionCode(22);
    plc.setRegister(1, ModbusTable.HOLDING_REGISTER, 30, 0b1_0000);
    write(COUNT, 7);
    write(FLAG, true);
    assertEquals(7, plc.register(1, ModbusTable.HOLDING_REGISTER, 20));
    assertEquals(0b1_1000, plc.register(1, ModbusTable.HOLDING_REGISTER, 30), "bit 3 set, its neighbour bit 4 kept");
    assertEquals(0, plc.requestCount(6));
    assertEquals(0, plc.requestCount(22));
    assertEquals(2, plc.requestCount(16));
  }

  @Test
  void shouldFallBackToReadModifyWriteWhenTheDeviceLacksFc22() {
    open(false, "");
    plc.refuseFunctionCode(22);
    plc.setRegister(1, ModbusTable.HOLDING_REGISTER, 30, 0b1_0000);
    write(FLAG, true);
    assertEquals(0b1_1000, plc.register(1, ModbusTable.HOLDING_REGISTER, 30));
    write(FLAG, false);
    assertEquals(0b1_0000, plc.register(1, ModbusTable.HOLDING_REGISTER, 30));
    assertEquals(1, plc.requestCount(22), "FC22 tried once, then remembered as missing");
  }

  @Test
  void shouldFallBackToFc16WhenTheDeviceLacksFc06() {
    open(false, "");
    plc.refuseFunctionCode(6);
    write(COUNT, 11);
    write(COUNT, 12);
    assertEquals(12, plc.register(1, ModbusTable.HOLDING_REGISTER, 20));
    assertEquals(1, plc.requestCount(6), "FC06 tried once, then remembered as missing");
  }

  @Test
  void shouldSplitALongArrayWriteOnlyBetweenElements() {
    open(false, "");
    float[] wave = new float[64];
    for (int i = 0; i < wave.length; i++) wave[i] = i + 0.1f; // low words not zero, so a torn float shows
    write(WAVE, wave);
    assertEquals(2, plc.requestCount(16));
    for (RecordedWrite w : plc.writes()) {
      float[] seen = (float[]) w.value();
      for (int i = 0; i < seen.length; i++) {
        assertTrue(seen[i] == 0 || seen[i] == wave[i], "element " + i + " after one request is " + seen[i]);
      }
    }
    float[] back = (float[]) device.read(List.of(WAVE)).orTimeout(10, TimeUnit.SECONDS).join().value(0);
    assertEquals(wave.length, back.length);
    for (int i = 0; i < wave.length; i++) assertEquals(wave[i], back[i]);
  }
}
