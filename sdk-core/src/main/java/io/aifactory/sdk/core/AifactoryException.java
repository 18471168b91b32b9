package io.aifactory.sdk.core;

/**
 * Root of every unchecked exception the SDK throws.
 *
 * <p>Messages name the device, tag or tensor involved and what was expected versus what was found, so a
 * log line alone is enough to act on. Subclasses say which part failed: configuration, address, device,
 * protocol, timeout or inference.
 */
public class AifactoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AifactoryException(String message) {
    super(message);
  }

  public AifactoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
