/**
 * Modbus TCP, RTU over TCP and serial RTU devices: the address notation ({@link io.aifactory.sdk.modbus.ModbusAddress}),
 * the register codec shared with the simulator ({@link io.aifactory.sdk.modbus.ModbusCodec}), typed exception replies
 * ({@link io.aifactory.sdk.modbus.ModbusDeviceException}) and the driver found by URI scheme
 * ({@link io.aifactory.sdk.modbus.ModbusDriver}).
 */
package io.aifactory.sdk.modbus;
