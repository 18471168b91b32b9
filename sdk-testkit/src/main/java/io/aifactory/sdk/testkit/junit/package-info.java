/**
 * JUnit 5 support: {@link io.aifactory.sdk.testkit.junit.SimulatedPlant @SimulatedPlant} starts a scenario's
 * simulators on free ports before a test class or method and stops them afterwards, even when a test fails;
 * test methods, constructors and lifecycle methods receive the plant, its simulators and their URIs as
 * parameters ({@link io.aifactory.sdk.testkit.junit.PlantDevice @PlantDevice} picks a device by name).
 *
 * <pre>{@code
 * @SimulatedPlant("spindle-line")
 * class SpindleMonitorTest {
 *   @Test
 *   void shouldAlarmOnBearingFault(ScenarioRunner plant, @PlantDevice("condition-monitor") URI opcua) {
 *     try (Device d = Devices.open(opcua.toString())) {
 *       plant.advance(Duration.ofMinutes(5));
 *       ...
 *     }
 *   }
 * }
 * }</pre>
 */
package io.aifactory.sdk.testkit.junit;
