package io.aifactory.sdk.core.guard;

/** Whether a {@link WriteGuard} writes what it decides. */
public enum GuardMode {
  /** Decide and audit every proposal, never write: how a plant watches an AI before trusting it. */
  SHADOW,
  /** Write what the guard accepts. */
  LIVE
}
