package io.aifactory.sdk.core;

/** A device answered with something the protocol does not allow: a malformed or mismatched reply. */
public class ProtocolException extends DeviceException {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
