package io.aifactory.sdk.testkit.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.aifactory.sdk.testkit.SimulatedServer;
import io.aifactory.sdk.testkit.fakes.InMemoryServer;
import io.aifactory.sdk.testkit.scenario.Scenario;
import io.aifactory.sdk.testkit.scenario.ScenarioRunner;
import io.aifactory.sdk.testkit.signal.SimulationClock;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs small test classes through the JUnit engine and checks what the extension did for them. */
class SimulatedPlantExtensionTest {
  static final List<InMemoryServer> SEEN = new CopyOnWriteArrayList<>();
  static final List<ScenarioRunner> RUNNERS = new CopyOnWriteArrayList<>();

  private static Events run(Class<?> testClass) {
    SEEN.clear();
    RUNNERS.clear();
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
  }

  @SimulatedPlant("test-press")
  static class ClassLevel {
    static ScenarioRunner fromBeforeAll;

    @BeforeAll
    static void before(ScenarioRunner plant) {
      fromBeforeAll = plant;
    }

    @Test
    void first(ScenarioRunner plant, Scenario scenario, SimulationClock clock, @PlantDevice("press-1") SimulatedServer press1,
        @PlantDevice("press-2") URI press2) {
      assertSame(fromBeforeAll, plant);
      assertEquals("test-press", scenario.name());
      assertSame(plant.clock(), clock);
      assertSame(plant.server("press-1"), press1);
      assertEquals(plant.uri("press-2"), press2);
      assertEquals(100.0, press1.get("force"));
      plant.advance(Duration.ofSeconds(5));
      assertEquals(105.0, press1.get("force"));
      RUNNERS.add(plant);
      SEEN.add((InMemoryServer) press1);
    }

    @Test
    void second(ScenarioRunner plant) {
      RUNNERS.add(plant);
    }

    @AfterAll
    static void after(ScenarioRunner plant) {
      assertTrue(!((InMemoryServer) plant.server("press-1")).isClosed(), "still running in @AfterAll");
    }
  }

  @Test
  void shouldShareAClassLevelPlantAndStopItAfterTheClass() {
    run(ClassLevel.class).assertStatistics(s -> s.started(2).succeeded(2));
    assertEquals(2, RUNNERS.size());
    assertSame(RUNNERS.get(0), RUNNERS.get(1));
    assertTrue(SEEN.get(0).isClosed());
  }

  static class MethodLevel {
    @Test
    @SimulatedPlant(value = "test-single", seed = 99)
    void first(ScenarioRunner plant, SimulatedServer only) {
      assertEquals(99, plant.seed());
      RUNNERS.add(plant);
      SEEN.add((InMemoryServer) only);
      throw new AssertionError("a failing test still gets its plant stopped");
    }

    @Test
    @SimulatedPlant("test-single")
    void second(ScenarioRunner plant, InMemoryServer only, URI uri) {
      assertEquals(uri, only.uri());
      RUNNERS.add(plant);
      SEEN.add(only);
    }
  }

  @Test
  void shouldGiveEachAnnotatedMethodItsOwnPlantAndStopItEvenWhenTheTestFails() {
    run(MethodLevel.class).assertStatistics(s -> s.started(2).succeeded(1).failed(1));
    assertEquals(2, RUNNERS.size());
    assertNotSame(RUNNERS.get(0), RUNNERS.get(1));
    assertTrue(SEEN.get(0).isClosed());
    assertTrue(SEEN.get(1).isClosed());
  }

  @SimulatedPlant("test-press")
  static class Ambiguous {
    @Test
    void server(SimulatedServer press) {}

    @Test
    void unknownDevice(@PlantDevice("press-9") URI uri) {}
  }

  @Test
  void shouldNameTheParameterAndMethodWhenADeviceIsAmbiguousOrUnknown() {
    Events events = run(Ambiguous.class);
    events.assertStatistics(s -> s.failed(2));
    events.assertThatEvents().haveExactly(1, event(test("server"), finishedWithFailure(instanceOf(ParameterResolutionException.class),
        message(m -> m.contains("parameter [0] SimulatedServer") && m.contains("of method Ambiguous.server()")
            && m.contains("scenario 'test-press' has 2 devices that fit (press-1, press-2); name one with @PlantDevice(\"press-1\")")))));
    events.assertThatEvents().haveExactly(1, event(test("unknownDevice"), finishedWithFailure(instanceOf(ParameterResolutionException.class),
        message(m -> m.endsWith("of method Ambiguous.unknownDevice(): scenario 'test-press' has no device 'press-9' (devices: press-1, press-2)")))));
  }

  static class ConstructorBeforeMethodPlant {
    ConstructorBeforeMethodPlant(ScenarioRunner plant) {}

    @Test
    @SimulatedPlant("test-single")
    void needsAPlant() {}
  }

  @Test
  void shouldExplainWhyAConstructorCannotGetAMethodLevelPlant() {
    Events events = run(ConstructorBeforeMethodPlant.class);
    events.assertThatEvents().haveExactly(1, event(test("needsAPlant"), finishedWithFailure(instanceOf(ParameterResolutionException.class),
        message(m -> m.contains("parameter [0] ScenarioRunner") && m.contains("of constructor of ConstructorBeforeMethodPlant: there is no simulated plant here")
            && m.contains("a plant on a test method starts after the constructor")))));
  }

  @SimulatedPlant("no-such-plant")
  static class UnknownScenario {
    @Test
    void never() {}
  }

  @Test
  void shouldFailTheClassWithTheScenarioErrorWhenTheScenarioIsUnknown() {
    Events all = EngineTestKit.engine("junit-jupiter").selectors(selectClass(UnknownScenario.class)).execute().allEvents();
    all.assertThatEvents().haveAtLeastOne(event(finishedWithFailure(message(m -> m.startsWith("unknown scenario 'no-such-plant'")))));
  }

  static class RealTime {
    @Test
    @SimulatedPlant(value = "test-single", realTime = true)
    void ticksByItself(ScenarioRunner plant, SimulatedServer only) throws Exception {
      org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> plant.advance(Duration.ofSeconds(1)));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (Integer.valueOf(0).equals(only.get("x")) && System.nanoTime() < deadline) java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      assertTrue(((Integer) only.get("x")) > 0, "the value moved with the wall clock");
      SEEN.add((InMemoryServer) only);
    }
  }

  @Test
  void shouldRunThePlantInRealTimeWhenAsked() {
    run(RealTime.class).assertStatistics(s -> s.succeeded(1));
    assertTrue(SEEN.get(0).isClosed());
  }

  static final java.util.concurrent.CyclicBarrier BOTH_RUNNING = new java.util.concurrent.CyclicBarrier(2);

  @SimulatedPlant("test-press")
  static class ParallelA {
    @Test
    void meetB(@PlantDevice("press-1") InMemoryServer press) throws Exception {
      SEEN.add(press);
      BOTH_RUNNING.await(20, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @SimulatedPlant("test-press")
  static class ParallelB {
    @Test
    void meetA(@PlantDevice("press-1") InMemoryServer press) throws Exception {
      SEEN.add(press);
      BOTH_RUNNING.await(20, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldGiveClassesRunningInParallelTheirOwnPlants() {
    SEEN.clear();
    BOTH_RUNNING.reset();
    EngineTestKit.engine("junit-jupiter")
        .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
        .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
        .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
        .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
        .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "2")
        .selectors(selectClass(ParallelA.class), selectClass(ParallelB.class))
        .execute().testEvents()
        .assertStatistics(s -> s.succeeded(2));
    assertEquals(2, SEEN.size());
    assertNotSame(SEEN.get(0), SEEN.get(1));
    assertTrue(SEEN.get(0).port() != SEEN.get(1).port());
    assertTrue(SEEN.get(0).isClosed() && SEEN.get(1).isClosed());
  }

  @SimulatedPlant("test-press")
  static class Outer {
    @Test
    void outer(ScenarioRunner plant) {
      RUNNERS.add(plant);
    }

    @org.junit.jupiter.api.Nested
    class Inner {
      @Test
      void sharesTheOuterPlant(ScenarioRunner plant) {
        RUNNERS.add(plant);
      }

      @Test
      @SimulatedPlant("test-single")
      void getsItsOwnWhenAnnotated(ScenarioRunner plant) {
        assertEquals("test-single", plant.scenario().name());
      }
    }
  }

  @Test
  void shouldShareTheEnclosingClassPlantWithNestedTests() {
    run(Outer.class).assertStatistics(s -> s.succeeded(3));
    assertEquals(2, RUNNERS.size());
    assertSame(RUNNERS.get(0), RUNNERS.get(1));
  }

  @SimulatedPlant("test-press")
  @org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
  static class PerClass {
    private final ScenarioRunner fromConstructor;

    PerClass(ScenarioRunner plant) {
      fromConstructor = plant;
    }

    @Test
    void first(ScenarioRunner plant) {
      assertSame(fromConstructor, plant);
      RUNNERS.add(plant);
    }

    @Test
    void second(ScenarioRunner plant) {
      RUNNERS.add(plant);
    }
  }

  @Test
  void shouldInjectAClassLevelPlantIntoThePerClassInstanceConstructor() {
    run(PerClass.class).assertStatistics(s -> s.succeeded(2));
    assertSame(RUNNERS.get(0), RUNNERS.get(1));
  }
}
