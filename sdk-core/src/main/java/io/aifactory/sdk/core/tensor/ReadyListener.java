package io.aifactory.sdk.core.tensor;

/** Told by a {@link Window} that it holds a new full, valid window to run a model on. */
@FunctionalInterface
public interface ReadyListener {
  /**
   * Called on the appending thread, after the row that made the window ready has been published.
   *
   * <p>{@code window.latest(length)} (or {@code window.values(sequence, length)} from another thread) is the
   * model input; it stays intact only until the writer appends {@code capacity - length + 1} more rows.
   * An exception thrown here propagates to the caller of {@code append}; the row stays appended.
   *
   * @param sequence the number of rows appended so far, that is the end of the ready window
   */
  void onReady(Window window, long sequence);
}
