package io.aifactory.sdk.modbus;

/** The exception codes a Modbus server answers with, named as in the Modbus Application Protocol specification. */
public enum ModbusExceptionCode {
  ILLEGAL_FUNCTION(0x01),
  ILLEGAL_DATA_ADDRESS(0x02),
  ILLEGAL_DATA_VALUE(0x03),
  SERVER_DEVICE_FAILURE(0x04),
  ACKNOWLEDGE(0x05),
  SERVER_DEVICE_BUSY(0x06),
  NEGATIVE_ACKNOWLEDGE(0x07),
  MEMORY_PARITY_ERROR(0x08),
  GATEWAY_PATH_UNAVAILABLE(0x0A),
  GATEWAY_TARGET_DEVICE_FAILED_TO_RESPOND(0x0B),
  /** A code the specification does not define; {@link ModbusDeviceException#code()} keeps the number. */
  UNKNOWN(-1);

  private final int code;

  ModbusExceptionCode(int code) {
    this.code = code;
  }

  /** Returns the code as sent on the wire, or -1 for UNKNOWN. */
  public int code() {
    return code;
  }

  /** Returns the named code for {@code code}, or UNKNOWN. */
  public static ModbusExceptionCode of(int code) {
    for (ModbusExceptionCode c : values()) {
      if (c.code == code) return c;
    }
    return UNKNOWN;
  }
}
