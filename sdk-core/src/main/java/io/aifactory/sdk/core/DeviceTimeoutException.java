package io.aifactory.sdk.core;

/** A device did not answer within the request timeout. */
public class DeviceTimeoutException extends DeviceException {
  private static final long serialVersionUID = 1L;

  public DeviceTimeoutException(String message) {
    super(message);
  }

  public DeviceTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
