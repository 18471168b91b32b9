/**
 * The flagship example: spindle anomaly detection on a CNC line, from Modbus polls through a zero-copy window and
 * an ONNX model to alarms, OPC UA results and a guarded feed-override write. Start with
 * {@link io.aifactory.examples.spindle.SpindleAnomalyApp}.
 */
package io.aifactory.examples.spindle;
