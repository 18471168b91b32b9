package io.aifactory.sdk.testkit.junit;

import io.aifactory.sdk.testkit.junit.internal.SimulatedPlantExtension;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a scenario's simulators for a test: on a class, one plant shared by all its tests (started before
 * {@code @BeforeAll}, stopped after {@code @AfterAll}); on a method, a fresh plant for that test. Every
 * simulator listens on a free port, so test classes can run in parallel.
 *
 * <p>Parameters of test methods, lifecycle methods and (for a class-level plant) constructors can be a
 * {@link io.aifactory.sdk.testkit.scenario.ScenarioRunner} (to advance time and reach every device), the
 * {@link io.aifactory.sdk.testkit.scenario.Scenario}, its
 * {@link io.aifactory.sdk.testkit.signal.SimulationClock}, a {@link io.aifactory.sdk.testkit.SimulatedServer}
 * (or a simulator class such as the Modbus simulator) and a {@link java.net.URI}; the last two name their device
 * with {@link PlantDevice @PlantDevice} unless the plant has only one that fits.
 *
 * <p>Time stands still unless the test advances it ({@code plant.advance(Duration.ofSeconds(30))}), which makes
 * every run the same; {@link #realTime()} makes it follow the wall clock instead.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SimulatedPlantExtension.class)
public @interface SimulatedPlant {
  /** The value of {@link #seed()} that means: use the scenario's own seed. */
  long SCENARIO_SEED = Long.MIN_VALUE;

  /** The scenario: a name on the class path such as {@code spindle-line}, or the path of a JSON file. */
  String value();

  /** The seed of the run; by default the scenario's own. */
  long seed() default SCENARIO_SEED;

  /** If true, simulation time follows the wall clock from the start, as in the simulator CLI. */
  boolean realTime() default false;
}
