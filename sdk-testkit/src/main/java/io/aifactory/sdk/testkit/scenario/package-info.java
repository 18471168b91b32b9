/**
 * Scenarios: a simulated plant described once (devices, tags, signals, anomalies, faults), loaded from JSON by
 * {@link io.aifactory.sdk.testkit.scenario.Scenarios} and run by a
 * {@link io.aifactory.sdk.testkit.scenario.ScenarioRunner} against the simulator of each device's kind
 * ({@code modbus}, {@code opcua}; more through {@link io.aifactory.sdk.testkit.scenario.SimulatorFactory}). A
 * {@link io.aifactory.sdk.testkit.scenario.Recording} samples the same signals without simulators, labelled with
 * the scenario's events, as training data.
 *
 * <h2>The reference scenario: {@code spindle-line}</h2>
 * Three CNC spindles, seed 42, published every 100 ms:
 * <table>
 *   <caption>Devices</caption>
 *   <tr><th>device</th><th>kind</th><th>tags (N = 1, 2, 3)</th></tr>
 *   <tr><td>{@code line-plc}</td><td>modbus, unit 1</td>
 *       <td>{@code spindleN.speed} (rpm), {@code spindleN.motorCurrent} (A), {@code spindleN.temperature} (°C),
 *       {@code spindleN.vibrationRms} (mm/s): float32 holding registers from {@code 10 × (N − 1)}, two each in that
 *       order; {@code spindleN.feedOverride} (%, uint16 at {@code 10 × (N − 1) + 8}), not driven, starts at 100,
 *       keeps what clients write; the spindle's load follows it (closed loop): its motor current changes by
 *       0.04 A per % of feed override away from 100, with a 2 s lag (the condition monitor shows the uncontrolled
 *       signal)</td></tr>
 *   <tr><td>{@code condition-monitor}</td><td>opcua</td>
 *       <td>the same four quantities as {@code ns=2;s=SpindleN.Speed}, {@code .MotorCurrent}, {@code .Temperature},
 *       {@code .VibrationRms} (same values as over Modbus), and {@code spindleN.vibration},
 *       {@code ns=2;s=SpindleN.Vibration}: a float32[256] waveform frame in g sampled at 2560 Hz (10 Hz per
 *       FFT bin)</td></tr>
 * </table>
 * Spindles 1 and 2 run at 6000 rpm (1x = 100 Hz), spindle 3 at 9000 rpm (150 Hz). Timeline: at 90 s spindle 3's
 * motor current spikes by 8 A for 0.5 s; from 120 s spindle 2 develops an outer-race bearing fault: a 370 Hz defect
 * tone (FFT bin 37) grows in its waveform by 0.005 g/s up to 1 g, its vibration RMS rises by 0.01 mm/s per second
 * up to +2.5, and its temperature drifts up by 0.02 °C/s; at 600 s the Modbus PLC drops its connections once.
 * The scenario's events name these moments ({@code spindle3.chip}, {@code spindle2.bearingFault},
 * {@code line-plc.connectionDrop}), so a test can ask {@code plant.scenario().event("spindle2.bearingFault").at()}
 * instead of hard-coding 120 s.
 *
 * <h2>The closed-loop scenario: {@code compressed-air}</h2>
 * A compressed-air system that answers its setpoint, seed 7, on one Modbus PLC {@code compressor-plc} (unit 1), float32
 * holding registers: {@code demand} (m³/min, at 0), {@code pressure} (bar, at 2), {@code power} (kW, at 4) and
 * {@code pressureSetpoint} (bar, at 6, starts at 7.5, written by clients). Demand wanders around 10 m³/min and spikes
 * by 7 to 8 at 70 s, 120 s and 170 s (events {@code demandSpike1..3}). The pressure follows
 * {@code setpoint − 0.04 × demand} after 1 s of dead time with a 3 s lag and must stay within 6.0–7.8 bar; the power
 * follows {@code 8 + demand × (3.2 + 0.4 × setpoint)} kW with a 2 s lag. A lower setpoint saves power; too low a one
 * shows in {@link io.aifactory.sdk.testkit.scenario.ScenarioRunner#violations()} when demand spikes.
 *
 * <h2>A process-quality scenario: {@code extrusion-line}</h2>
 * A polyethylene extrusion line, seed 7, for soft sensors (a model that predicts what only the lab measures).
 * Device {@code line} (opcua): {@code line1.meltTemperature} (°C, {@code ns=2;s=Line1.MeltTemperature}),
 * {@code line1.screwSpeed} (rpm, {@code .ScrewSpeed}), {@code line1.meltPressure} (bar, {@code .MeltPressure}), all
 * float32, and {@code line1.recipe} (uint16, {@code .Recipe}): 1 (PE100 pipe) until 2 h, then 2 (LLDPE film). The
 * process values wander around each recipe's setpoints; the true melt flow index (g/10min) is a different linear
 * function of them for each recipe, served as {@code simulation.trueMeltFlowIndex}
 * ({@code ns=2;s=Simulation.TrueMeltFlowIndex}, float64) for a simulated lab and for tests only. From 3 h 30 min the
 * melt temperature <em>sensor</em> drifts up by 4 °C per hour while the melt itself does not. Device {@code hmi}
 * (modbus, unit 1): holding registers for a predicted value ({@code line1.predictedMeltFlowIndex}, float32 at 0) and
 * the recipe of the model that made it ({@code line1.predictionRecipe}, uint16 at 2), not driven. Events:
 * {@code line.productChange} (2 h), {@code line.meltSensorDrift} (3 h 30 min).
 */
package io.aifactory.sdk.testkit.scenario;
