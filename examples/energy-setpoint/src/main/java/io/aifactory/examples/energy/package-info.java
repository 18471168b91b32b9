/**
 * Example: a model lowers a compressed-air system's pressure setpoint as far as demand allows, behind a write guard
 * (SHADOW first, then LIVE with limits, step and dead-man), and reports the kWh and CO2-equivalent saved. Start with
 * {@link io.aifactory.examples.energy.EnergySetpointApp}.
 */
package io.aifactory.examples.energy;
