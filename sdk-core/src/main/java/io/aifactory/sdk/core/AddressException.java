package io.aifactory.sdk.core;

/** A tag address that the driver of its scheme cannot parse, or that names something the device lacks. */
public class AddressException extends AifactoryException {
  private static final long serialVersionUID = 1L;

  public AddressException(String message) {
    super(message);
  }

  public AddressException(String message, Throwable cause) {
    super(message, cause);
  }
}
