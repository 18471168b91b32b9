package io.aifactory.sdk.core;

/** Hears a {@link Device}'s connection state changes, on the device's own thread: return quickly. */
@FunctionalInterface
public interface StateListener {
  /**
   * Called after the state changed.
   *
   * @param cause why the connection was lost or could not be made, or null
   */
  void onStateChanged(Device device, ConnectionState state, Throwable cause);
}
