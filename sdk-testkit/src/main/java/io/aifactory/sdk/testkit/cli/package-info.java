/**
 * The simulator command line: {@code java -jar aifactory-simulator.jar --scenario spindle-line --modbus-port 5020
 * --opcua-port 4840} serves a scenario's simulated PLCs in real time until interrupted, so that a vendor's QA can
 * point their own product at them.
 */
package io.aifactory.sdk.testkit.cli;
