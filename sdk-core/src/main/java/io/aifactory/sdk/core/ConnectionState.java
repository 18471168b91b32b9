package io.aifactory.sdk.core;

/** Where a {@link Device}'s connection stands. */
public enum ConnectionState {
  /** Trying to connect, for the first time or after a loss (with backoff between attempts). */
  CONNECTING,
  /** Connected; reads, writes and subscriptions reach the device. */
  CONNECTED,
  /** The connection was lost; the device will reconnect by itself. Values due meanwhile are BAD (DISCONNECTED). */
  DISCONNECTED,
  /** Closed by the application; final. */
  CLOSED
}
