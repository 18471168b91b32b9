/**
 * A simulated Modbus PLC on a real socket: Modbus TCP or RTU framing over TCP, several unit ids, all four tables,
 * declared with the same tags and address notation as the driver, with run-time fault injection (dropped
 * connections, stalls, delays, restarts, exception replies for chosen addresses and malformed frames).
 */
package io.aifactory.sdk.testkit.modbus;
