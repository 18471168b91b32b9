package io.aifactory.sdk.core.guard;

import io.aifactory.sdk.core.guard.GuardDecision.Outcome;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A listener that keeps what it hears, for tests to wait on with a generous deadline. */
final class Recorder implements GuardListener {
  final BlockingQueue<GuardDecision> decisions = new LinkedBlockingQueue<>();
  final BlockingQueue<OperatorAction> actions = new LinkedBlockingQueue<>();
  volatile Thread thread;

  @Override
  public void onDecision(GuardDecision decision) {
    thread = Thread.currentThread();
    decisions.add(decision);
  }

  @Override
  public void onOperatorAction(OperatorAction action) {
    actions.add(action);
  }

  /** Returns the next decision with this outcome, skipping others; fails after 10 s. */
  GuardDecision next(Outcome outcome) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      long left = deadline - System.nanoTime();
      GuardDecision d = decisions.poll(Math.max(left, 0), TimeUnit.NANOSECONDS);
      if (d == null) throw new AssertionError("no " + outcome + " decision within 10 s");
      if (d.outcome() == outcome) return d;
    }
  }

  OperatorAction nextAction() throws InterruptedException {
    OperatorAction a = actions.poll(10, TimeUnit.SECONDS);
    if (a == null) throw new AssertionError("no operator action within 10 s");
    return a;
  }
}
