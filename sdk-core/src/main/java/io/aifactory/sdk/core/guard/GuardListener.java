package io.aifactory.sdk.core.guard;

/** Hears every decision of a {@link WriteGuard} and every operator change it notices; return quickly. */
public interface GuardListener {
  void onDecision(GuardDecision decision);

  default void onOperatorAction(OperatorAction action) {}
}
