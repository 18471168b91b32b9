/**
 * The Modbus driver's implementation: transports (TCP, RTU over TCP, serial through j2mod), the request planner,
 * the device with its I/O and poll threads, and polling subscriptions. Not part of the public API.
 */
package io.aifactory.sdk.modbus.internal;
