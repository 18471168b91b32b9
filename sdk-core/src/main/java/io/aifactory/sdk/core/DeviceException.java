package io.aifactory.sdk.core;

/**
 * A device could not do what was asked: not connected, closed, or it refused the request. When the device said why
 * in its protocol's own terms, {@link #rawStatus()} holds that code (an OPC UA StatusCode, a Modbus exception code),
 * as {@link Quality#rawStatus()} does for a value, so a program can act on it without parsing the message.
 */
public class DeviceException extends AifactoryException {
  private static final long serialVersionUID = 1L;

  private final long rawStatus;

  public DeviceException(String message) {
    this(message, 0, null);
  }

  public DeviceException(String message, Throwable cause) {
    this(message, 0, cause);
  }

  /** Creates an exception carrying the device's own status code ({@code 0} for none). */
  public DeviceException(String message, long rawStatus) {
    this(message, rawStatus, null);
  }

  /** Creates an exception carrying the device's own status code ({@code 0} for none) and a cause. */
  public DeviceException(String message, long rawStatus, Throwable cause) {
    super(message, cause);
    this.rawStatus = rawStatus;
  }

  /** Returns the device's own status code for this failure, or 0 where the device gave none. */
  public long rawStatus() {
    return rawStatus;
  }
}
