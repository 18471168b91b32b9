package io.aifactory.sdk.inference;

/**
 * The least severe message ONNX Runtime's own log writes for a session. That log is native: it goes to the process's
 * stderr, not through SLF4J, so a run that fails on every cycle prints a multi-line native error each time unless
 * the level is raised. The SDK reports the same failure as an {@code InferenceException} either way.
 */
public enum NativeLogLevel {
  VERBOSE,
  INFO,
  /** ONNX Runtime's default. */
  WARNING,
  ERROR,
  /** Only what ends the process; a failing run prints nothing. */
  FATAL
}
