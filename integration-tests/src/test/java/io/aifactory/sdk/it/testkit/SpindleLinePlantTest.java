package io.aifactory.sdk.it.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.opcua.OpcUaProperties;
import io.aifactory.sdk.testkit.junit.PlantDevice;
import io.aifactory.sdk.testkit.junit.SimulatedPlant;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import io.aifactory.sdk.testkit.opcua.OpcUaSimulator;
import io.aifactory.sdk.testkit.scenario.ScenarioRunner;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference scenario on the real simulators, through the extension: spindle 2's bearing fault seen over OPC UA
 * (waveform spectrum) and Modbus (temperature), as the examples will see it.
 */
@SimulatedPlant("spindle-line")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpindleLinePlantTest {
  @TempDir static Path clientPki;
  static Device plc;
  static Device monitor;

  static final Tag TEMPERATURE_2 = Tag.of("spindle2.temperature", "holding:14:float32", io.aifactory.sdk.core.DataType.FLOAT32);
  static final Tag SPEED_1 = Tag.of("spindle1.speed", "holding:0:float32", io.aifactory.sdk.core.DataType.FLOAT32);
  static final Tag VIBRATION_2 = Tag.of("spindle2.vibration", "ns=2;s=Spindle2.Vibration",
      io.aifactory.sdk.core.DataType.arrayOf(io.aifactory.sdk.core.DataType.Kind.FLOAT32, 256));
  static final Tag TEMPERATURE_2_OPCUA = Tag.of("spindle2.temperature", "ns=2;s=Spindle2.Temperature", io.aifactory.sdk.core.DataType.FLOAT32);

  @BeforeAll
  static void connect(@PlantDevice("line-plc") URI plcUri, @PlantDevice("condition-monitor") URI monitorUri) throws Exception {
    plc = Devices.open(plcUri.toString(), DeviceOptions.newBuilder().requestTimeout(Duration.ofSeconds(2)).build());
    monitor = Devices.open(monitorUri.toString(), DeviceOptions.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .requestTimeout(Duration.ofSeconds(3))
        .property(OpcUaProperties.PKI_DIR, clientPki.toString())
        .property(OpcUaProperties.TRUST_ON_FIRST_USE, "true")
        .build());
    plc.whenConnected().get(20, TimeUnit.SECONDS);
    monitor.whenConnected().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void disconnect() {
    if (plc != null) plc.close();
    if (monitor != null) monitor.close();
  }

  static double bin(float[] x, int k) {
    double re = 0;
    double im = 0;
    for (int n = 0; n < x.length; n++) {
      double a = 2 * Math.PI * k * n / x.length;
      re += x[n] * Math.cos(a);
      im -= x[n] * Math.sin(a);
    }
    return 2 * Math.hypot(re, im) / x.length;
  }

  private static SampleBatch read(Device d, Tag... tags) throws Exception {
    SampleBatch b = d.read(List.of(tags)).get(10, TimeUnit.SECONDS);
    assertTrue(b.allGood(), b.toString());
    return b;
  }

  @Test
  @Order(1)
  void shouldInjectEachSimulatorByItsType(ModbusSimulator modbus, OpcUaSimulator opcua, ScenarioRunner plant) {
    assertEquals(plant.server("line-plc"), modbus);
    assertEquals(plant.server("condition-monitor"), opcua);
    assertEquals(List.of(1), modbus.unitIds());
  }

  @Test
  @Order(2)
  void shouldServeAHealthyLineBeforeTheFault(ScenarioRunner plant) throws Exception {
    plant.advance(Duration.ofSeconds(60));
    assertEquals(6000, read(plc, SPEED_1).doubleValue(0), 30);
    float[] wave = (float[]) read(monitor, VIBRATION_2).value(0);
    assertEquals(256, wave.length);
    assertTrue(bin(wave, 37) < 0.05, "no defect tone yet: " + bin(wave, 37));
    assertEquals(0.5, bin(wave, 10), 0.05, "1x running speed at 100 Hz");
  }

  @Test
  @Order(3)
  void shouldShowTheBearingFaultOnSpindle2OverBothProtocols(ScenarioRunner plant) throws Exception {
    double before = read(plc, TEMPERATURE_2).doubleValue(0);
    plant.advance(Duration.ofSeconds(240)); // 300 s: 180 s into the fault
    float[] wave = (float[]) read(monitor, VIBRATION_2).value(0);
    assertEquals(0.9, bin(wave, 37), 0.1, "the 370 Hz defect tone");
    double after = read(plc, TEMPERATURE_2).doubleValue(0);
    assertEquals(3.6, after - before, 1.2, "temperature drift of 0.02 °C/s");
    assertEquals(after, read(monitor, TEMPERATURE_2_OPCUA).doubleValue(0), 1e-6, "the same value over OPC UA");
    assertNotEquals(before, after);
  }
}
