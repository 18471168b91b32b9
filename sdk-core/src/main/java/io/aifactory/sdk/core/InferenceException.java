package io.aifactory.sdk.core;

/** A model could not be loaded or run: wrong file, wrong inputs, or a runtime failure. */
public class InferenceException extends AifactoryException {
  private static final long serialVersionUID = 1L;

  public InferenceException(String message) {
    super(message);
  }

  public InferenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
