package io.aifactory.sdk.core.tensor;

import io.aifactory.sdk.core.AifactoryException;

/**
 * A tensor was used with the wrong shape, element type or index, or after it was closed.
 *
 * <p>These are programming mistakes, not conditions to recover from: the message names the tensor and gives
 * what was expected and what was found.
 */
public class TensorException extends AifactoryException {
  private static final long serialVersionUID = 1L;

  public TensorException(String message) {
    super(message);
  }
}
