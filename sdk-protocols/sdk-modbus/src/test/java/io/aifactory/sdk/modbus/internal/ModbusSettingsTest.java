package io.aifactory.sdk.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.modbus.WordOrder;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ModbusSettingsTest {
  @Test
  void shouldReadOptionsFromTheUriAndLetDeviceOptionsWin() {
    DeviceOptions options = DeviceOptions.newBuilder().property("maxRegisters", "60").build();
    ModbusSettings s = ModbusSettings.of(URI.create("modbus+tcp://10.0.0.5?unit=3&maxRegisters=100&wordOrder=cdab&timeout=250"), options);
    assertEquals(ModbusSettings.Framing.TCP, s.framing());
    assertEquals(502, s.port);
    assertEquals(3, s.unit());
    assertEquals(60, s.maxRegisters);
    assertEquals(WordOrder.CDAB, s.wordOrder());
    assertEquals(Duration.ofMillis(250), s.requestTimeout);
  }

  @Test
  void shouldReadSerialParameters() {
    ModbusSettings s = ModbusSettings.of(URI.create("modbus+rtu:///dev/ttyUSB0?baud=19200&parity=even&stop=1&unit=3"),
        DeviceOptions.defaults());
    assertEquals(ModbusSettings.Framing.SERIAL_RTU, s.framing());
    assertEquals("/dev/ttyUSB0", s.serialPort);
    assertEquals(19200, s.baud);
    assertEquals("even", s.parity);
    assertEquals(3, s.unit());
  }

  @Test
  void shouldRefuseUnknownOrMalformedOptions() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> ModbusSettings.of(URI.create("modbus+tcp://h:502?unti=1"), DeviceOptions.defaults()));
    assertTrue(e.getMessage().contains("'unti'") && e.getMessage().contains("unit"), e.getMessage());
    ConfigurationException property = assertThrows(ConfigurationException.class, () -> ModbusSettings.of(
        URI.create("modbus+tcp://h:502"), DeviceOptions.newBuilder().property("pkiDir", "/tmp").build()));
    assertTrue(property.getMessage().contains("'pkiDir'") && property.getMessage().contains("maxRegisters"), property.getMessage());
    assertThrows(ConfigurationException.class, () -> ModbusSettings.of(URI.create("modbus+tcp://h?maxRegisters=200"), DeviceOptions.defaults()));
    assertThrows(ConfigurationException.class, () -> ModbusSettings.of(URI.create("modbus+tcp://h?unit=x"), DeviceOptions.defaults()));
    assertThrows(ConfigurationException.class, () -> ModbusSettings.of(URI.create("modbus+rtu:///"), DeviceOptions.defaults()));
    ConfigurationException fc = assertThrows(ConfigurationException.class,
        () -> ModbusSettings.of(URI.create("modbus+tcp://h?writeFunction=fc06"), DeviceOptions.defaults()));
    assertTrue(fc.getMessage().contains("expected auto or fc16"), fc.getMessage());
  }

  @Test
  void shouldReadTheWriteFunction() {
    assertTrue(!ModbusSettings.of(URI.create("modbus+tcp://h"), DeviceOptions.defaults()).fc16Writes);
    DeviceOptions options = DeviceOptions.newBuilder().property("writeFunction", "fc16").build();
    assertTrue(ModbusSettings.of(URI.create("modbus+tcp://h"), options).fc16Writes);
  }

  @Test
  void shouldTakeTheTimeoutFromWhicheverSourceSetsIt() {
    assertEquals(Duration.ofMillis(250), ModbusSettings.of(URI.create("modbus+tcp://h?timeout=250"), DeviceOptions.defaults()).requestTimeout);
    DeviceOptions options = DeviceOptions.newBuilder().requestTimeout(Duration.ofMillis(700)).build();
    assertEquals(Duration.ofMillis(700), ModbusSettings.of(URI.create("modbus+tcp://h"), options).requestTimeout);
    assertEquals(Duration.ofMillis(700), ModbusSettings.of(URI.create("modbus+tcp://h?timeout=700"), options).requestTimeout,
        "two sources that agree are fine");
    assertEquals(DeviceOptions.defaults().requestTimeout(), ModbusSettings.of(URI.create("modbus+tcp://h"), DeviceOptions.defaults()).requestTimeout);
  }

  @Test
  void shouldRefuseATimeoutThatDisagreesWithTheRequestTimeoutOfTheOptions() {
    DeviceOptions options = DeviceOptions.newBuilder().requestTimeout(Duration.ofMillis(700)).build();
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> ModbusSettings.of(URI.create("modbus+tcp://h?timeout=250"), options));
    assertTrue(e.getMessage().contains("timeout=250") && e.getMessage().contains("700"), e.getMessage());
    // A copy of options whose request timeout was set keeps it set; the property is a second source too.
    assertThrows(ConfigurationException.class, () -> ModbusSettings.of(URI.create("modbus+tcp://h"),
        options.toBuilder().property("timeout", "250").build()));
    // A copy of defaults does not make the default look set.
    assertEquals(Duration.ofMillis(250), ModbusSettings.of(URI.create("modbus+tcp://h?timeout=250"),
        DeviceOptions.defaults().toBuilder().build()).requestTimeout);
  }
}
