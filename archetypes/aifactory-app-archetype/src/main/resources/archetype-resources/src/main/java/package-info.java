/** An AI Factory SDK application: a JSON-configured pipeline from a Modbus PLC through an ONNX model to an alarm. */
package ${package};
