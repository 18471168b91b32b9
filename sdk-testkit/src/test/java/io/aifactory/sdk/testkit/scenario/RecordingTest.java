package io.aifactory.sdk.testkit.scenario;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordingTest {
  private final Scenario line = Scenarios.load("spindle-line", ScenariosTest.SPINDLE_LINE_IN_MEMORY);

  @Test
  void shouldRecordTheSameValuesAsTheRunnerPublishesAndLabelTheFault() {
    Recording r = Recording.of(line, 42, Duration.ofSeconds(300), Duration.ofSeconds(1));
    assertEquals(301, r.rows());
    assertEquals(24, r.columns().size(), "12 driven Modbus tags and 12 scalar OPC UA tags; setpoints and waveforms left out");
    int temp = r.columns().indexOf("condition-monitor/spindle2.temperature");
    try (ScenarioRunner plant = ScenarioRunner.newBuilder().scenario(line).simulators(ScenariosTest.SPINDLE_LINE_IN_MEMORY).start()) {
      plant.advance(Duration.ofSeconds(250));
      assertEquals(((Number) plant.server("condition-monitor").get("spindle2.temperature")).doubleValue(), r.value(250, temp));
    }
    assertEquals(List.of(), r.labels(100));
    assertEquals(List.of("spindle2.bearingFault"), r.labels(200));
    assertTrue(!r.columns().contains("line-plc/spindle1.feedOverride"), "undriven tags are not recorded");
  }

  @Test
  void shouldBeDeterministicForASeed() {
    Recording a = Recording.of(line, 7, Duration.ofSeconds(20), Duration.ofMillis(100));
    Recording b = Recording.of(line, 7, Duration.ofSeconds(20), Duration.ofMillis(100));
    Recording c = Recording.of(line, 8, Duration.ofSeconds(20), Duration.ofMillis(100));
    assertArrayEquals(a.column("line-plc/spindle2.temperature"), b.column("line-plc/spindle2.temperature"));
    assertTrue(a.column("line-plc/spindle2.temperature")[150] != c.column("line-plc/spindle2.temperature")[150]);
  }

  @Test
  void shouldWriteCsvWithLabels() {
    StringBuilder csv = new StringBuilder();
    Recording.of(line, 42, Duration.ofSeconds(121), Duration.ofSeconds(121)).writeCsv(csv);
    String[] lines = csv.toString().split("\n");
    assertEquals(3, lines.length);
    assertTrue(lines[0].startsWith("time,line-plc/spindle1.speed,"), lines[0]);
    assertTrue(lines[0].endsWith(",events"), lines[0]);
    assertTrue(lines[1].startsWith("0.000,") && lines[1].endsWith(","), lines[1]);
    assertTrue(lines[2].startsWith("121.000,") && lines[2].endsWith(",spindle2.bearingFault"), lines[2]);
  }

  @Test
  void shouldNameAnUnknownColumn() {
    Recording r = Recording.of(line, 42, Duration.ZERO, Duration.ofSeconds(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.column("spindle2.temperature"));
    assertTrue(e.getMessage().startsWith("no column 'spindle2.temperature' (columns: line-plc/spindle1.speed, "), e.getMessage());
  }
}
