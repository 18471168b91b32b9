package io.aifactory.sdk.modbus;

import io.aifactory.sdk.core.DeviceException;

/** A Modbus server answered a request with an exception response; carries its code and the code's name. */
public final class ModbusDeviceException extends DeviceException {
  private static final long serialVersionUID = 1L;

  private final int code;

  public ModbusDeviceException(String message, int code) {
    super(message + ": exception " + String.format("0x%02X", code) + " " + ModbusExceptionCode.of(code), code);
    this.code = code;
  }

  /** Returns the exception code as sent by the server; the same as {@link #rawStatus()}. */
  public int code() {
    return code;
  }

  /** Returns the code's name, e.g. ILLEGAL_DATA_ADDRESS, or UNKNOWN. */
  public ModbusExceptionCode exceptionCode() {
    return ModbusExceptionCode.of(code);
  }
}
