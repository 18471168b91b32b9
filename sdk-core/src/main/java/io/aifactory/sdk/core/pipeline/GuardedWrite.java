package io.aifactory.sdk.core.pipeline;

import io.aifactory.sdk.core.guard.WriteGuard;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Turns one machine's results into proposals to a {@link WriteGuard}: a GOOD or UNCERTAIN result is mapped to a
 * value and proposed (NaN means no proposal this time); a BAD result tells the guard that its source is BAD, so its
 * fallback applies. Results of other machines are ignored. Closing this action does not close the guard: whoever
 * built the guard closes it.
 *
 * <pre>{@code
 * new GuardedWrite("press-3", feedGuard, result -> result.value("feed_rate"))
 * }</pre>
 */
public final class GuardedWrite implements PipelineAction {
  private final String machine;
  private final WriteGuard guard;
  private final ToDoubleFunction<MachineResult> proposal;

  public GuardedWrite(String machine, WriteGuard guard, ToDoubleFunction<MachineResult> proposal) {
    this.machine = Objects.requireNonNull(machine, "machine");
    this.guard = Objects.requireNonNull(guard, "guard");
    this.proposal = Objects.requireNonNull(proposal, "proposal");
  }

  public String machine() {
    return machine;
  }

  public WriteGuard guard() {
    return guard;
  }

  @Override
  public void onResult(MachineResult result) {
    if (!result.machine().equals(machine)) return;
    if (result.quality().isBad()) {
      guard.sourceBad(result.quality().toString());
      return;
    }
    double value = proposal.applyAsDouble(result);
    if (!Double.isNaN(value)) guard.propose(value);
  }

  @Override
  public String toString() {
    return "GuardedWrite{" + machine + " -> " + guard.name() + "}";
  }
}
