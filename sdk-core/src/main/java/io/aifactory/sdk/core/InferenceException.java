package io.aifactory.sdk.core;

import java.util.Optional;

/**
 * A model could not be loaded or run: wrong file, wrong inputs, or a runtime failure.
 *
 * <p>When the failure is about one tensor (an input or output whose name, element type or shape does not match the
 * model), {@link #tensorName()}, {@link #expected()} and {@link #found()} give the parts of the message a program
 * acts on, so that no caller parses the message. They are the same text the message shows, e.g. tensor
 * {@code input}, expected {@code FLOAT32 [batch, 8]}, found {@code FLOAT32 [2, 7]}.
 */
public class InferenceException extends AifactoryException {
  private static final long serialVersionUID = 1L;

  // Nullable Strings rather than Optionals: exceptions are Serializable, Optional is not.
  private final String tensorName;
  private final String expected;
  private final String found;

  public InferenceException(String message) {
    this(message, null, null, null, null);
  }

  public InferenceException(String message, Throwable cause) {
    this(message, null, null, null, cause);
  }

  /**
   * Returns an exception about the tensor {@code tensorName}; {@code expected} is what the model declares and
   * {@code found} what was given, each null if it does not apply (a missing input has nothing found).
   */
  public InferenceException(String message, String tensorName, String expected, String found) {
    this(message, tensorName, expected, found, null);
  }

  private InferenceException(String message, String tensorName, String expected, String found, Throwable cause) {
    super(message, cause);
    this.tensorName = tensorName;
    this.expected = expected;
    this.found = found;
  }

  /** Returns the input or output the failure is about, if it is about one. */
  public Optional<String> tensorName() {
    return Optional.ofNullable(tensorName);
  }

  /** Returns the element type and shape the model expects of {@link #tensorName()}, if that is the failure. */
  public Optional<String> expected() {
    return Optional.ofNullable(expected);
  }

  /** Returns the element type and shape that was given for {@link #tensorName()}, if one was given. */
  public Optional<String> found() {
    return Optional.ofNullable(found);
  }
}
