package io.aifactory.sdk.core;

/**
 * A configuration value is missing, malformed, or contradicts another.
 *
 * <p>When the value came from a file, {@link #path()} names where in it, in the form
 * {@code devices[1].tags[3].address}, and the message starts with that path.
 */
public class ConfigurationException extends AifactoryException {
  private static final long serialVersionUID = 1L;

  private final String path;

  public ConfigurationException(String message) {
    super(message);
    this.path = "";
  }

  public ConfigurationException(String path, String message, Throwable cause) {
    super(path.isEmpty() ? message : path + ": " + message, cause);
    this.path = path;
  }

  /** Returns where in the configuration the mistake is, or an empty string if it is not from a file. */
  public String path() {
    return path;
  }
}
