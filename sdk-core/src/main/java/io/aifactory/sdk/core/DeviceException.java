package io.aifactory.sdk.core;

/** A device could not do what was asked: not connected, closed, or it refused the request. */
public class DeviceException extends AifactoryException {
  private static final long serialVersionUID = 1L;

  public DeviceException(String message) {
    super(message);
  }

  public DeviceException(String message, Throwable cause) {
    super(message, cause);
  }
}
