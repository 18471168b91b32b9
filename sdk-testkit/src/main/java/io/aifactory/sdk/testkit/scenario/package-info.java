/**
 * Scenarios: a simulated plant described once (devices, tags, signals, anomalies, faults), loaded from JSON by
 * {@link io.aifactory.sdk.testkit.scenario.Scenarios} and run by a
 * {@link io.aifactory.sdk.testkit.scenario.ScenarioRunner} against the simulators of each device's kind.
 *
 * <p>The testkit ships the {@code spindle-line} scenario: three CNC spindles on a Modbus PLC and an OPC UA
 * condition-monitoring server, where spindle 2 develops a bearing fault after 120 s of simulation time.
 */
package io.aifactory.sdk.testkit.scenario;
