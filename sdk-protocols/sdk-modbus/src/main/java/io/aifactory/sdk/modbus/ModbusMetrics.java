package io.aifactory.sdk.modbus;

import io.aifactory.sdk.core.DeviceMetrics;

/**
 * A Modbus device's {@link DeviceMetrics}, plus what its read planner and pipelining decided: what
 * {@code device.metrics()} returns for a Modbus device.
 *
 * <pre>{@code
 * ModbusMetrics m = (ModbusMetrics) plc.metrics();
 * log.info("{} requests per poll, pipeline depth {}", m.planRequests(), m.pipelineDepth());
 * }</pre>
 */
public interface ModbusMetrics extends DeviceMetrics {
  /** Returns how many requests the most recently executed read plan sends per cycle when nothing fails (0 before). */
  int planRequests();

  /**
   * Returns how many requests a cycle sends before reading their replies: the {@code pipeline} option, or 1 when the
   * transport cannot pipeline or pipelining was turned off because the device stalls pipelined replies.
   */
  int pipelineDepth();
}
