package io.aifactory.sdk.testkit.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.testkit.fakes.InMemorySimulatorFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenariosTest {
  static final SimulatorFactories MEMORY = SimulatorFactories.of(new InMemorySimulatorFactory("memory"));

  /** The reference scenario with both protocols served from memory, so it loads without the real simulators. */
  static final SimulatorFactories SPINDLE_LINE_IN_MEMORY =
      SimulatorFactories.of(new InMemorySimulatorFactory("modbus"), new InMemorySimulatorFactory("opcua"));

  private static String scenario(String tag) {
    return "{ \"name\": \"t\", \"devices\": [ { \"name\": \"d\", \"kind\": \"memory\", \"tags\": [\n"
        + "  { \"name\": \"ok\", \"address\": \"a\", \"type\": \"float32\", \"signal\": { \"kind\": \"constant\", \"value\": 1 } },\n"
        + tag + "\n] } ] }";
  }

  private static String error(String json) {
    return assertThrows(ConfigurationException.class, () -> Scenarios.parse(json, MEMORY)).getMessage();
  }

  @Test
  void shouldLoadTheSpindleLineByName() {
    Scenario s = Scenarios.load("spindle-line", SPINDLE_LINE_IN_MEMORY);
    assertEquals("spindle-line", s.name());
    assertEquals(42, s.seed());
    assertEquals(Duration.ofMillis(100), s.tick());
    ScenarioDevice plc = s.device("line-plc").orElseThrow();
    assertEquals("modbus", plc.kind());
    assertEquals("1", plc.options().get("unitId"));
    assertEquals(15, plc.tags().size());
    assertEquals(100.0, plc.tag("spindle2.feedOverride").orElseThrow().initialValue().getAsDouble());
    ScenarioDevice cm = s.device("condition-monitor").orElseThrow();
    ScenarioTag wave = cm.tag("spindle2.vibration").orElseThrow();
    assertEquals(DataType.parse("float32[256]"), wave.tag().dataType());
    assertEquals(2560, wave.sampleRateHz());
    assertEquals(Duration.ofSeconds(600), plc.faults().get(0).at());
  }

  @Test
  void shouldGiveTheSameValuesForANamedSignalOnEveryDeviceThatRefersToIt() {
    Scenario s = Scenarios.load("spindle-line", SPINDLE_LINE_IN_MEMORY);
    long t = Duration.ofSeconds(200).toNanos() + 12345;
    double plc = s.device("line-plc").orElseThrow().tag("spindle2.temperature").orElseThrow().signal(7).valueAt(t);
    double cm = s.device("condition-monitor").orElseThrow().tag("spindle2.temperature").orElseThrow().signal(7).valueAt(t);
    assertEquals(plc, cm);
  }

  @Test
  void shouldNameThePathOfAnUnknownSignalKind() {
    assertEquals("devices[0].tags[1].signal.kind: unknown signal 'sinus' (expected constant, sine, ramp, square, step, "
        + "randomWalk, noise, csv, sum, product, scale, ref)",
        error(scenario("{ \"name\": \"x\", \"address\": \"a\", \"type\": \"float32\", \"signal\": { \"kind\": \"sinus\", \"amplitude\": 1 } }")));
  }

  @Test
  void shouldNameThePathOfAMistakeInsideANestedSignal() {
    assertEquals("devices[0].tags[1].signal.of[1].stdDev: missing (required)",
        error(scenario("{ \"name\": \"x\", \"address\": \"a\", \"type\": \"float32\", \"signal\": { \"kind\": \"sum\", \"of\": ["
            + "{ \"kind\": \"constant\", \"value\": 1 }, { \"kind\": \"noise\" } ] } }")));
    assertEquals("devices[0].tags[1].signal.period: expected a duration like 250ms, 2s, 5m or PT2S, found \"ten\"",
        error(scenario("{ \"name\": \"x\", \"address\": \"a\", \"type\": \"float32\", \"signal\": { \"kind\": \"sine\", \"amplitude\": 1, \"period\": \"ten\" } }")));
    assertEquals("devices[0].tags[1].signal: start not in [min, max]: 50.0",
        error(scenario("{ \"name\": \"x\", \"address\": \"a\", \"type\": \"float32\", \"signal\": { \"kind\": \"randomWalk\", \"start\": 50, \"stepStdDev\": 1, \"max\": 10 } }")));
  }

  @Test
  void shouldNameUnknownFieldsAsPlantConfigDoes() {
    assertEquals("devices[0].tags[1].sampleRte: unknown field (expected one of address, deadband, initial, name, offset, response, sampleRate, scale, signal, type, unit)",
        error(scenario("{ \"name\": \"x\", \"address\": \"a\", \"type\": \"float32\", \"sampleRte\": 5 }")));
  }

  @Test
  void shouldHaveTheSimulatorCheckAddresses() {
    assertEquals("devices[0].tags[1].address: tag 'x': bad address 'bad:1'",
        error(scenario("{ \"name\": \"x\", \"address\": \"bad:1\", \"type\": \"float32\" }")));
  }

  @Test
  void shouldRefuseAnUnknownSimulatorKind() {
    assertEquals("devices[0].kind: unknown simulator kind 'modbs' (expected memory)",
        error("{ \"devices\": [ { \"name\": \"d\", \"kind\": \"modbs\" } ] }"));
  }

  @Test
  void shouldRefuseBadOptionsAnomaliesAndFaults() {
    assertEquals("devices[0].options: unknown option 'unit' (expected unitId)",
        error("{ \"devices\": [ { \"name\": \"d\", \"kind\": \"memory\", \"options\": { \"unit\": 1 } } ] }"));
    assertEquals("devices[0].faults[0].kind: unknown fault 'crash' (expected dropConnections, stall, delayReplies, outage)",
        error("{ \"devices\": [ { \"name\": \"d\", \"kind\": \"memory\", \"faults\": [ { \"kind\": \"crash\", \"at\": \"1s\" } ] } ] }"));
    assertEquals("devices[0].faults[0].duration: missing (required)",
        error("{ \"devices\": [ { \"name\": \"d\", \"kind\": \"memory\", \"faults\": [ { \"kind\": \"stall\", \"at\": \"1s\" } ] } ] }"));
    assertEquals("devices[0].tags[1].signal.anomalies[0].kind: unknown anomaly 'spik' (expected spike, drift, stuck, noiseBurst, dropout)",
        error(scenario("{ \"name\": \"x\", \"address\": \"a\", \"type\": \"float32\", \"signal\": { \"kind\": \"constant\", \"value\": 1, "
            + "\"anomalies\": [ { \"kind\": \"spik\", \"at\": \"1s\" } ] } }")));
  }

  @Test
  void shouldRefuseAnArrayTagWithoutASampleRate() {
    assertEquals("devices[0].tags[1]: tag 'w' is an array (float32[8]) driven by a signal: it needs a sample rate",
        error(scenario("{ \"name\": \"w\", \"address\": \"a\", \"type\": \"float32[8]\", \"signal\": { \"kind\": \"constant\", \"value\": 1 } }")));
  }

  @Test
  void shouldRefuseUnknownAndCircularSignalReferences() {
    assertEquals("devices[0].tags[1].signal.name: unknown signal name 'nope' (the file's signals are: none)",
        error(scenario("{ \"name\": \"x\", \"address\": \"a\", \"type\": \"float32\", \"signal\": { \"kind\": \"ref\", \"name\": \"nope\" } }")));
    String loop = "{ \"signals\": { \"a\": { \"kind\": \"ref\", \"name\": \"b\" }, \"b\": { \"kind\": \"scale\", \"factor\": 2, "
        + "\"of\": { \"kind\": \"ref\", \"name\": \"a\" } } }, \"devices\": [ { \"name\": \"d\", \"kind\": \"memory\" } ] }";
    assertEquals("signals.b.of.name: signal 'a' refers to itself through a -> b", error(loop));
  }

  @Test
  void shouldRefuseDuplicateNames() {
    assertEquals("devices[0].tags[1].name: duplicate tag name 'ok' (first at devices[0].tags[0])",
        error(scenario("{ \"name\": \"ok\", \"address\": \"a\", \"type\": \"float32\" }")));
  }

  @Test
  void shouldReportInvalidJsonWithItsLine() {
    assertTrue(error("{ \"devices\": [ \n,").startsWith("scenario is not valid JSON at line 2"));
  }

  @Test
  void shouldSayWhichScenariosExistWhenANameIsUnknown() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> Scenarios.load("spindle-lin", MEMORY));
    assertTrue(e.getMessage().startsWith("unknown scenario 'spindle-lin' (built-in: spindle-line, compressed-air, extrusion-line;"), e.getMessage());
    ConfigurationException missing = assertThrows(ConfigurationException.class, () -> Scenarios.load("no/such/plant.json", MEMORY));
    assertEquals("scenario file not found: no/such/plant.json", missing.getMessage());
  }

  @Test
  void shouldReadAFileAndReplayACsvBesideIt(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("load.csv"), "t,load\n0,10\n10,20\n");
    Files.writeString(dir.resolve("press.json"), "{ \"devices\": [ { \"name\": \"press\", \"kind\": \"memory\", \"tags\": [ "
        + "{ \"name\": \"load\", \"address\": \"a\", \"type\": \"float64\", \"signal\": { \"kind\": \"csv\", \"file\": \"load.csv\", \"column\": \"load\" } } ] } ] }");
    Scenario s = Scenarios.load(dir.resolve("press.json").toString(), MEMORY);
    assertEquals("press", s.name());
    assertEquals(15, s.device("press").orElseThrow().tag("load").orElseThrow().signal(1).valueAt(Duration.ofSeconds(5).toNanos()), 1e-9);
    assertFalse(s.device("press").orElseThrow().tag("load").orElseThrow().initialValue().isPresent());
  }

  @Test
  void shouldNameTheCsvColumnThatIsMissing(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("load.csv"), "t,load\n0,10\n");
    Files.writeString(dir.resolve("p.json"), "{ \"devices\": [ { \"name\": \"press\", \"kind\": \"memory\", \"tags\": [ "
        + "{ \"name\": \"load\", \"address\": \"a\", \"type\": \"float64\", \"signal\": { \"kind\": \"csv\", \"file\": \"load.csv\", \"column\": \"force\" } } ] } ] }");
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> Scenarios.load(dir.resolve("p.json").toString(), MEMORY));
    assertEquals("devices[0].tags[0].signal.file: load.csv: no value column 'force' (the header has t, load; the first column is the time in seconds)", e.getMessage());
  }

  @Test
  void shouldReplayACsvBesideAScenarioOnTheClassPath() {
    Scenario s = Scenarios.load("test-replay", MEMORY);
    assertEquals("test-replay", s.name());
    assertEquals(20, s.device("press").orElseThrow().tag("load").orElseThrow().signal(1).valueAt(Duration.ofSeconds(5).toNanos()), 1e-9);
    assertEquals(30, s.device("press").orElseThrow().tag("load").orElseThrow().signal(1).valueAt(Duration.ofSeconds(50).toNanos()), 1e-9);
  }

  @Test
  void shouldLabelTheSpindleLineTimelineWithEvents() {
    Scenario s = Scenarios.load("spindle-line", SPINDLE_LINE_IN_MEMORY);
    assertEquals(Duration.ofSeconds(120), s.event("spindle2.bearingFault").at());
    assertEquals(java.util.List.of(), s.activeEvents(Duration.ofSeconds(119)));
    assertEquals(java.util.List.of("spindle3.chip"), s.activeEvents(Duration.ofMillis(90_200)));
    assertEquals(java.util.List.of("spindle2.bearingFault"), s.activeEvents(Duration.ofSeconds(300)));
    assertEquals(java.util.List.of("spindle2.bearingFault", "line-plc.connectionDrop"), s.activeEvents(Duration.ofSeconds(700)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.event("bearingFault"));
    assertEquals("scenario 'spindle-line' has no event 'bearingFault' (events: spindle3.chip, spindle2.bearingFault, line-plc.connectionDrop)", e.getMessage());
  }

  @Test
  void shouldNameThePathOfABadEvent() {
    assertEquals("events[0].at: missing (required)",
        error("{ \"devices\": [ { \"name\": \"d\", \"kind\": \"memory\" } ], \"events\": [ { \"name\": \"x\" } ] }"));
    assertEquals("events[1].name: duplicate event name 'x' (first at events[0])",
        error("{ \"devices\": [ { \"name\": \"d\", \"kind\": \"memory\" } ], \"events\": [ { \"name\": \"x\", \"at\": \"1s\" }, "
            + "{ \"name\": \"x\", \"at\": \"2s\" } ] }"));
  }
}
