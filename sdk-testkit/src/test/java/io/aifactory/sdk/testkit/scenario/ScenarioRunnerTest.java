package io.aifactory.sdk.testkit.scenario;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.SimulatedServer;
import io.aifactory.sdk.testkit.fakes.InMemoryServer;
import io.aifactory.sdk.testkit.fakes.InMemorySimulatorFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioRunnerTest {
  private static final String PRESS = "{ \"name\": \"press\", \"seed\": 5, \"tick\": \"100ms\", \"devices\": [ {\n"
      + " \"name\": \"press-1\", \"kind\": \"memory\", \"tags\": [\n"
      + "  { \"name\": \"temp\", \"address\": \"a\", \"type\": \"float32\", \"signal\": { \"kind\": \"sum\", \"of\": [\n"
      + "     { \"kind\": \"randomWalk\", \"start\": 40, \"stepStdDev\": 0.5, \"step\": \"1s\" }, { \"kind\": \"noise\", \"stdDev\": 0.1 } ] } },\n"
      + "  { \"name\": \"count\", \"address\": \"b\", \"type\": \"int16\", \"signal\": { \"kind\": \"ramp\", \"slope\": 100000 } },\n"
      + "  { \"name\": \"running\", \"address\": \"c\", \"type\": \"bool\", \"signal\": { \"kind\": \"square\", \"low\": 0, \"high\": 1, \"period\": \"10s\" } },\n"
      + "  { \"name\": \"level\", \"address\": \"d\", \"type\": \"uint16\", \"signal\": { \"kind\": \"constant\", \"value\": 7,\n"
      + "     \"anomalies\": [ { \"kind\": \"dropout\", \"at\": \"20s\", \"duration\": \"5s\" } ] } },\n"
      + "  { \"name\": \"wave\", \"address\": \"e\", \"type\": \"float32[4]\", \"sampleRate\": 4, \"signal\": { \"kind\": \"ramp\", \"slope\": 1 } },\n"
      + "  { \"name\": \"setpoint\", \"address\": \"f\", \"type\": \"float64\", \"initial\": 55 }\n"
      + " ],\n"
      + " \"faults\": [ { \"kind\": \"stall\", \"at\": \"30s\", \"duration\": \"5s\" }, { \"kind\": \"dropConnections\", \"at\": \"10s\" },\n"
      + "   { \"kind\": \"outage\", \"at\": \"40s\", \"duration\": \"2s\" }, { \"kind\": \"delayReplies\", \"at\": \"50s\", \"duration\": \"1s\", \"delay\": \"300ms\" } ]\n"
      + "} ] }";

  private final InMemorySimulatorFactory memory = new InMemorySimulatorFactory("memory");
  private final SimulatorFactories factories = SimulatorFactories.of(memory);
  private final Scenario press = Scenarios.parse(PRESS, factories);

  private ScenarioRunner start(Long seed) {
    ScenarioRunner.Builder b = ScenarioRunner.newBuilder().scenario(press).simulators(factories);
    if (seed != null) b.seed(seed);
    return b.start();
  }

  private static List<Object> run(ScenarioRunner runner, String tag) {
    for (int i = 0; i < 60; i++) runner.advance(Duration.ofMillis(1700));
    return ((InMemoryServer) runner.server("press-1")).history(tag);
  }

  @Test
  void shouldPublishTheSameValuesForTheSameSeed() {
    List<Object> first;
    List<Object> second;
    List<Object> other;
    try (ScenarioRunner a = start(null)) {
      first = run(a, "temp");
    }
    try (ScenarioRunner b = start(null)) {
      second = run(b, "temp");
    }
    try (ScenarioRunner c = start(6L)) {
      other = run(c, "temp");
    }
    assertTrue(first.size() > 60, "published at start, at each fault and at each advance: " + first.size());
    assertEquals(first, second);
    assertNotEquals(first, other);
  }

  @Test
  void shouldPublishWhatTheSignalGivesAtTheClockTime() {
    try (ScenarioRunner runner = start(null)) {
      SimulatedServer server = runner.server("press-1");
      assertEquals(55.0, server.get("setpoint"));
      assertEquals((short) 0, server.get("count"));
      assertEquals(true, server.get("running"));
      runner.advance(Duration.ofSeconds(7));
      assertEquals(Duration.ofSeconds(7), runner.elapsed());
      assertEquals((float) runner.signal("press-1", "temp").valueAt(Duration.ofSeconds(7).toNanos()), server.get("temp"));
      assertEquals(Short.MAX_VALUE, server.get("count"), "clamped to the int16 range");
      assertEquals(false, server.get("running"));
      assertArrayEquals(new float[] {7f, 7.25f, 7.5f, 7.75f}, (float[]) server.get("wave"));
      assertEquals(55.0, server.get("setpoint"), "an undriven tag keeps its value");
    }
  }

  @Test
  void shouldLeaveAnIntegerTagAtItsLastValueDuringADropout() {
    try (ScenarioRunner runner = start(null)) {
      InMemoryServer server = (InMemoryServer) runner.server("press-1");
      runner.advance(Duration.ofSeconds(19));
      int published = server.history("level").size();
      runner.advance(Duration.ofSeconds(2));
      assertEquals(7, server.get("level"));
      assertEquals(published, server.history("level").size());
      runner.advance(Duration.ofSeconds(5));
      assertEquals(published + 1, server.history("level").size());
    }
  }

  @Test
  void shouldApplyFaultsInTimeOrderThroughTheSimulator() {
    try (ScenarioRunner runner = start(null)) {
      InMemoryServer server = (InMemoryServer) runner.server("press-1");
      runner.advance(Duration.ofSeconds(9));
      assertEquals(List.of(), server.faultCalls);
      runner.advance(Duration.ofSeconds(32));
      assertEquals(List.of("dropConnections", "stall true", "stall false", "stop"), server.faultCalls);
      runner.advance(Duration.ofMinutes(1));
      assertEquals(List.of("dropConnections", "stall true", "stall false", "stop", "start", "delayReplies PT0.3S", "delayReplies PT0S"),
          server.faultCalls);
    }
  }

  @Test
  void shouldCloseEverySimulatorAndDeleteTheWorkDirectoryOnClose() {
    ScenarioRunner runner = start(null);
    InMemoryServer server = (InMemoryServer) runner.server("press-1");
    java.nio.file.Path work = memory.lastWorkDirectory;
    assertTrue(java.nio.file.Files.exists(work.resolve("press-1/state")));
    runner.close();
    runner.close();
    assertTrue(server.isClosed());
    assertTrue(!java.nio.file.Files.exists(work), "the work directory is deleted");
    assertThrows(IllegalStateException.class, () -> runner.advance(Duration.ofSeconds(1)));
  }

  @Test
  void shouldCloseTheSimulatorsAlreadyStartedWhenOneFailsToStart() {
    List<InMemoryServer> startedServers = new ArrayList<>();
    SimulatorFactory failing = new InMemorySimulatorFactory("broken") {
      @Override
      public SimulatedServer start(ScenarioDevice device, int port, java.nio.file.Path workDirectory) {
        throw new IllegalStateException("port " + port + " in use");
      }
    };
    SimulatorFactory recording = new InMemorySimulatorFactory("memory") {
      @Override
      public SimulatedServer start(ScenarioDevice device, int port, java.nio.file.Path workDirectory) {
        InMemoryServer s = (InMemoryServer) super.start(device, port, workDirectory);
        startedServers.add(s);
        return s;
      }
    };
    Scenario two = Scenario.newBuilder().name("two")
        .addDevice(ScenarioDevice.newBuilder().name("ok").kind("memory").build())
        .addDevice(ScenarioDevice.newBuilder().name("bad").kind("broken").build())
        .build();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ScenarioRunner.newBuilder().scenario(two).simulators(SimulatorFactories.of(recording, failing)).port("bad", 502).start());
    assertEquals("port 502 in use", e.getMessage());
    assertEquals(1, startedServers.size());
    assertTrue(startedServers.get(0).isClosed());
  }

  @Test
  void shouldPublishInRealTimeUntilClosed() throws Exception {
    ScenarioRunner runner = start(null);
    InMemoryServer server = (InMemoryServer) runner.server("press-1");
    try {
      runner.runInRealTime();
      assertThrows(IllegalStateException.class, () -> runner.advance(Duration.ofSeconds(1)));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (server.history("temp").size() < 4 && System.nanoTime() < deadline) java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      assertTrue(server.history("temp").size() >= 4, "ticks published: " + server.history("temp").size());
      assertTrue(runner.elapsed().toNanos() > 0);
    } finally {
      runner.close();
    }
    int after = server.history("temp").size();
    assertTrue(server.isClosed());
    Duration elapsed = runner.elapsed();
    assertEquals(after, server.history("temp").size());
    assertEquals(elapsed, runner.elapsed(), "time stops with the runner");
  }

  @Test
  void shouldRefuseAPortForAnUnknownDeviceAndNameTheDevicesOnLookup() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScenarioRunner.newBuilder().scenario(press).simulators(factories).port("press-2", 502).start());
    assertEquals("port given for unknown device 'press-2' (devices: press-1)", e.getMessage());
    try (ScenarioRunner runner = start(null)) {
      assertEquals("no device 'press-9' in scenario 'press' (devices: press-1)",
          assertThrows(IllegalArgumentException.class, () -> runner.server("press-9")).getMessage());
      assertSame(runner.server("press-1"), runner.server("press-1", InMemoryServer.class));
    }
  }

  @Test
  void shouldBuildAScenarioInCode() {
    Tag rpm = Tag.of("rpm", "a", io.aifactory.sdk.core.DataType.FLOAT64);
    Scenario s = Scenario.newBuilder().name("code").seed(3)
        .addDevice(ScenarioDevice.newBuilder().name("m").kind("memory")
            .addTag(ScenarioTag.newBuilder().tag(rpm).signal(io.aifactory.sdk.testkit.signal.Signals.ramp(0, 10)).build())
            .addFault(Fault.dropConnections(Duration.ofSeconds(1)))
            .build())
        .build();
    try (ScenarioRunner runner = ScenarioRunner.newBuilder().scenario(s).simulators(factories).start()) {
      runner.advance(Duration.ofSeconds(2));
      assertEquals(20.0, runner.server("m").get("rpm"));
      assertEquals(List.of("dropConnections"), ((InMemoryServer) runner.server("m")).faultCalls);
    }
  }

  @Test
  void shouldMapWallTimeToSimulationTimeAtTheGivenSpeed() {
    long second = Duration.ofSeconds(1).toNanos();
    assertEquals(Duration.ofSeconds(5).toNanos() + 1000 * second, ScenarioRunner.simulationNanos(Duration.ofSeconds(5).toNanos(), second, 1000));
    assertEquals(Duration.ofMillis(500).toNanos(), ScenarioRunner.simulationNanos(0, second, 0.5));
  }

  @Test
  void shouldRunAtTheGivenSpeedAndApplyFaultsInSimulationTime() {
    try (ScenarioRunner runner = start(null)) {
      assertThrows(IllegalArgumentException.class, () -> runner.runInRealTime(0));
      runner.runInRealTime(1000);
      List<String> faults = ((InMemoryServer) runner.server("press-1")).faultCalls;
      // Waits (bounded, so a broken runner fails instead of hanging) for the scheduled fault to be reached.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (faults.isEmpty() && System.nanoTime() < deadline) java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      assertEquals("dropConnections", faults.isEmpty() ? "no fault applied" : faults.get(0), "faults follow simulation time");
    }
  }

  @Test
  void shouldRoundAndClampAScaledIntegerTagOnItsRawValue() {
    Tag temp = Tag.newBuilder().name("temp").address("a").dataType(io.aifactory.sdk.core.DataType.INT16).scale(0.1).build();
    Tag big = Tag.newBuilder().name("big").address("b").dataType(io.aifactory.sdk.core.DataType.INT16).scale(0.1).build();
    Scenario s = Scenario.newBuilder().name("scaled")
        .addDevice(ScenarioDevice.newBuilder().name("m").kind("memory")
            .addTag(ScenarioTag.newBuilder().tag(temp).signal(io.aifactory.sdk.testkit.signal.Signals.constant(40.37)).build())
            .addTag(ScenarioTag.newBuilder().tag(big).signal(io.aifactory.sdk.testkit.signal.Signals.constant(5000)).build())
            .build())
        .build();
    try (ScenarioRunner runner = ScenarioRunner.newBuilder().scenario(s).simulators(factories).start()) {
      assertEquals(40.4, ((Number) runner.server("m").get("temp")).doubleValue(), 1e-9, "raw 404, not 40");
      assertEquals(3276.7, ((Number) runner.server("m").get("big")).doubleValue(), 1e-9, "raw clamped to 32767");
    }
  }

  @Test
  void shouldKeepPublishingTheOtherTagsWhenTheSimulatorRefusesOne() {
    java.util.concurrent.atomic.AtomicBoolean refuse = new java.util.concurrent.atomic.AtomicBoolean();
    SimulatorFactory picky = new InMemorySimulatorFactory("memory") {
      @Override
      public SimulatedServer start(ScenarioDevice device, int port, java.nio.file.Path workDirectory) {
        return new InMemoryServer("memory", port, device.tags().stream().map(ScenarioTag::tag).collect(java.util.stream.Collectors.toList())) {
          @Override
          public synchronized void set(String tagName, Object value) {
            if (refuse.get() && tagName.equals("temp")) throw new IllegalArgumentException("value out of range");
            super.set(tagName, value);
          }
        };
      }
    };
    try (ScenarioRunner runner = ScenarioRunner.newBuilder().scenario(press).simulators(SimulatorFactories.of(picky)).start()) {
      refuse.set(true);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> runner.advance(Duration.ofSeconds(2)));
      assertEquals("scenario 'press': cannot publish tag 'temp' of device 'press-1' at PT2S: value out of range", e.getMessage());
      assertEquals(Short.MAX_VALUE, runner.server("press-1").get("count"), "the tags after the refused one were published");
    }
  }
}
