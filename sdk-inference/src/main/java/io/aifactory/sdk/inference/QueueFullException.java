package io.aifactory.sdk.inference;

import io.aifactory.sdk.core.InferenceException;

/** A {@link BatchingSession}'s queue was full and it was told not to wait: back off or shed load. */
public class QueueFullException extends InferenceException {
  private static final long serialVersionUID = 1L;

  public QueueFullException(String message) {
    super(message);
  }
}
