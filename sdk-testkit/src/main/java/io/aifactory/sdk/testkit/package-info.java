/**
 * Simulated PLCs on real sockets for testing AI features without a factory: a Modbus TCP server and an OPC UA
 * server, driven by deterministic signals and scenarios, with fault injection at run time, a JUnit 5 extension
 * and a command-line simulator.
 *
 * <p>{@link io.aifactory.sdk.testkit.SimulatedServer} is what every simulator offers: its URI, its tags, values
 * set by a test or a scenario, the writes clients made, and the faults common to all protocols.
 */
package io.aifactory.sdk.testkit;
