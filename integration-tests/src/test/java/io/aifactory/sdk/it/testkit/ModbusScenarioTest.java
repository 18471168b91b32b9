package io.aifactory.sdk.it.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import io.aifactory.sdk.testkit.scenario.Scenario;
import io.aifactory.sdk.testkit.scenario.ScenarioRunner;
import io.aifactory.sdk.testkit.scenario.Scenarios;
import io.aifactory.sdk.testkit.scenario.SimulatorFactories;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A scenario served by the real Modbus simulator and read by the Modbus driver over a socket. */
class ModbusScenarioTest {
  static final String PRESS = "{ \"name\": \"press-line\", \"seed\": 11, \"devices\": [ {\n"
      + " \"name\": \"press-plc\", \"kind\": \"modbus\", \"options\": { \"unitId\": 3 }, \"tags\": [\n"
      + "  { \"name\": \"force\", \"address\": \"holding:0:float32\", \"type\": \"float32\", \"unit\": \"kN\",\n"
      + "    \"signal\": { \"kind\": \"sum\", \"of\": [ { \"kind\": \"sine\", \"amplitude\": 50, \"period\": \"4s\", \"offset\": 300 },\n"
      + "                                         { \"kind\": \"noise\", \"stdDev\": 2 } ] } },\n"
      + "  { \"name\": \"strokes\", \"address\": \"holding:2:uint16\", \"type\": \"uint16\", \"signal\": { \"kind\": \"ramp\", \"slope\": 0.5 } },\n"
      + "  { \"name\": \"oilTemp\", \"address\": \"input:0:int16\", \"type\": \"int16\", \"scale\": 0.1,\n"
      + "    \"signal\": { \"kind\": \"randomWalk\", \"start\": 40, \"stepStdDev\": 0.3, \"step\": \"1s\" } },\n"
      + "  { \"name\": \"running\", \"address\": \"coil:5\", \"type\": \"bool\", \"signal\": { \"kind\": \"square\", \"low\": 0, \"high\": 1, \"period\": \"20s\" } },\n"
      + "  { \"name\": \"speedSetpoint\", \"address\": \"holding:10:uint16\", \"type\": \"uint16\", \"initial\": 60 }\n"
      + " ],\n"
      + " \"faults\": [ { \"kind\": \"dropConnections\", \"at\": \"30s\" }, { \"kind\": \"stall\", \"at\": \"60s\", \"duration\": \"10s\" } ]\n"
      + "} ] }";

  private static final DeviceOptions FAST = DeviceOptions.newBuilder()
      .requestTimeout(Duration.ofSeconds(2)) // generous: a healthy reply must never time out on a loaded machine
      .connectTimeout(Duration.ofSeconds(2))
      .build();

  private static SampleBatch read(Device device, List<Tag> tags) throws Exception {
    return device.read(tags).get(10, TimeUnit.SECONDS);
  }

  @Test
  void shouldServeTheScenarioValuesToTheModbusDriver() throws Exception {
    Scenario scenario = Scenarios.parse(PRESS, SimulatorFactories.installed());
    List<Tag> tags = scenario.device("press-plc").orElseThrow().tags().stream().map(t -> t.tag()).collect(java.util.stream.Collectors.toList());
    try (ScenarioRunner plant = ScenarioRunner.start(scenario);
        Device plc = Devices.open(plant.uri("press-plc").toString(), FAST)) {
      plc.whenConnected().get(20, TimeUnit.SECONDS);
      assertTrue(plant.uri("press-plc").toString().endsWith("?unit=3"), plant.uri("press-plc").toString());
      plant.advance(Duration.ofSeconds(7));
      SampleBatch batch = read(plc, tags);
      assertTrue(batch.allGood(), batch.toString());
      long t = plant.clock().elapsedNanos();
      assertEquals((float) plant.signal("press-plc", "force").valueAt(t), batch.doubleValue(0), 1e-3);
      assertEquals(4, batch.longValue(1), "round(0.5 * 7)");
      assertEquals(Math.round(plant.signal("press-plc", "oilTemp").valueAt(t) * 10) / 10.0, batch.doubleValue(2), 1e-9);
      assertEquals(true, batch.value(3));
      assertEquals(60, batch.longValue(4));

      plant.advance(Duration.ofSeconds(4));
      SampleBatch later = read(plc, tags);
      assertEquals(false, later.value(3), "the square wave is low after 10 s");
      assertEquals(6, later.longValue(1));
    }
  }

  @Test
  void shouldKeepWhatAClientWritesToAnUndrivenTag() throws Exception {
    Scenario scenario = Scenarios.parse(PRESS, SimulatorFactories.installed());
    Tag setpoint = scenario.device("press-plc").orElseThrow().tag("speedSetpoint").orElseThrow().tag();
    try (ScenarioRunner plant = ScenarioRunner.start(scenario);
        Device plc = Devices.open(plant.uri("press-plc").toString(), FAST)) {
      plc.whenConnected().get(20, TimeUnit.SECONDS);
      plc.write(setpoint, 75).get(10, TimeUnit.SECONDS);
      plant.advance(Duration.ofSeconds(5));
      assertEquals(75, read(plc, List.of(setpoint)).longValue(0));
      assertEquals("speedSetpoint", plant.server("press-plc").writes().get(0).tagName());
    }
  }

  @Test
  void shouldInjectTheScheduledFaultsIntoTheRealSimulator() throws Exception {
    Scenario scenario = Scenarios.parse(PRESS, SimulatorFactories.installed());
    Tag force = scenario.device("press-plc").orElseThrow().tag("force").orElseThrow().tag();
    try (ScenarioRunner plant = ScenarioRunner.start(scenario);
        Device plc = Devices.open(plant.uri("press-plc").toString(), FAST)) {
      plc.whenConnected().get(20, TimeUnit.SECONDS);
      ModbusSimulator simulator = plant.server("press-plc", ModbusSimulator.class);
      assertTrue(read(plc, List.of(force)).allGood());
      assertEquals(1, simulator.connectionCount());

      plant.advance(Duration.ofSeconds(30)); // connections dropped: the driver reconnects
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (simulator.connectionCount() < 2 && System.nanoTime() < deadline) {
        read(plc, List.of(force));
      }
      assertEquals(2, simulator.connectionCount());
      plc.whenConnected().get(20, TimeUnit.SECONDS);

      plant.advance(Duration.ofSeconds(31)); // 61 s: stalled
      SampleBatch stalled = read(plc, List.of(force));
      assertEquals(Quality.Status.BAD, stalled.quality(0).status(), stalled.toString());

      plant.advance(Duration.ofSeconds(10)); // 71 s: answering again
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      SampleBatch recovered = read(plc, List.of(force));
      while (!recovered.allGood() && System.nanoTime() < deadline) recovered = read(plc, List.of(force));
      assertTrue(recovered.allGood(), recovered.toString());
    }
  }
}
