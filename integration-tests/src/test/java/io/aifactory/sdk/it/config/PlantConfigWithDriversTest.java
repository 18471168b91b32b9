package io.aifactory.sdk.it.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.config.DeviceConfig;
import io.aifactory.sdk.core.config.PlantConfig;
import io.aifactory.sdk.modbus.WordOrder;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The JSON configuration with the real drivers on the class path: their address checks, and a device opened from it. */
class PlantConfigWithDriversTest {
  private static String plant(String uri, String address) {
    return "{\"devices\":["
        + "{\"name\":\"monitor\",\"uri\":\"opc.tcp://127.0.0.1:4840\",\"tags\":["
        + "{\"name\":\"temp\",\"address\":\"ns=2;s=Spindle1.Temperature\",\"type\":\"float32\"}]},"
        + "{\"name\":\"plc\",\"uri\":\"" + uri + "\",\"options\":{\"requestTimeout\":\"1s\"},\"tags\":["
        + "{\"name\":\"speed\",\"address\":\"holding:0:float32\",\"type\":\"float32\"},"
        + "{\"name\":\"current\",\"address\":\"holding:2:float32:cdab\",\"type\":\"float32\",\"unit\":\"A\"},"
        + "{\"name\":\"running\",\"address\":\"coil:3\",\"type\":\"bool\"},"
        + "{\"name\":\"temperature\",\"address\":\"" + address + "\",\"type\":\"int16\",\"scale\":0.1}]}]}";
  }

  @Test
  void shouldInstallEveryDriverOfTheSdk() {
    assertTrue(Devices.installedSchemes().containsAll(List.of("modbus+tcp", "modbus+rtu+tcp", "modbus+rtu", "opc.tcp")),
        Devices.installedSchemes().toString());
  }

  @Test
  void shouldReportTheModbusDriversAddressErrorAtItsPlaceInTheFile() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> PlantConfig.parse(plant("modbus+tcp://127.0.0.1:502?unit=1", "holdin:4")));
    assertEquals("devices[1].tags[3].address: unknown table 'holdin' (expected coil, discrete, input, holding)", e.getMessage());
    assertEquals("devices[1].tags[3].address", e.path());
  }

  @Test
  void shouldReportTheOpcUaDriversNodeIdErrorAtItsPlaceInTheFile() {
    String json = plant("modbus+tcp://127.0.0.1:502?unit=1", "holding:4").replace("ns=2;s=Spindle1.Temperature", "ns=two;s=x");
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> PlantConfig.parse(json));
    assertTrue(e.getMessage().startsWith("devices[0].tags[0].address: "), e.getMessage());
  }

  @Test
  void shouldReadFromASimulatedPlcOpenedFromTheConfiguration() throws Exception {
    List<Tag> map = List.of(
        Tag.of("speed", "holding:0:float32", DataType.FLOAT32),
        Tag.of("current", "holding:2:float32:cdab", DataType.FLOAT32),
        Tag.of("running", "coil:3", DataType.BOOL),
        Tag.newBuilder().name("temperature").address("holding:4").dataType(DataType.INT16).scale(0.1).build());
    try (ModbusSimulator plc = ModbusSimulator.newBuilder().unit(1, map).build()) {
      plc.start();
      plc.set("speed", 1500.0f);
      plc.set("current", 12.5f);
      plc.set("running", true);
      plc.set("temperature", 42.3);

      DeviceConfig config = PlantConfig.parse(plant(plc.uri().toString(), "holding:4")).device("plc").orElseThrow();
      try (Device device = config.open()) {
        device.whenConnected().get(10, TimeUnit.SECONDS);
        SampleBatch batch = device.read(config.tags()).get(10, TimeUnit.SECONDS);
        assertTrue(batch.allGood(), batch::toString);
        assertEquals(1500.0, batch.doubleValue(0));
        assertEquals(12.5, batch.doubleValue(1));
        assertEquals(Boolean.TRUE, batch.value(2));
        assertEquals(42.3, batch.doubleValue(3), 1e-9);
        assertEquals(423, plc.register(1, io.aifactory.sdk.modbus.ModbusTable.HOLDING_REGISTER, 4), "raw register holds the unscaled value");
      }
    }
  }

  @Test
  void shouldCarryASimulatorsDefaultWordOrderInItsUri() throws Exception {
    Tag value = Tag.of("value", "holding:10:float32", DataType.FLOAT32);
    try (ModbusSimulator plc = ModbusSimulator.newBuilder().unit(1, List.of(value)).wordOrder(WordOrder.CDAB).build()) {
      plc.start();
      plc.set("value", 3.25f);
      assertTrue(plc.uri().toString().endsWith("&wordOrder=cdab"), plc.uri().toString());
      // 3.25f is 0x40500000: with CDAB the low word comes first.
      assertEquals(0x0000, plc.register(1, io.aifactory.sdk.modbus.ModbusTable.HOLDING_REGISTER, 10));
      assertEquals(0x4050, plc.register(1, io.aifactory.sdk.modbus.ModbusTable.HOLDING_REGISTER, 11));
      try (Device device = Devices.open(plc.uri().toString())) {
        device.whenConnected().get(10, TimeUnit.SECONDS);
        assertEquals(3.25, device.read(List.of(value)).get(10, TimeUnit.SECONDS).doubleValue(0));
      }
    }
  }
}
