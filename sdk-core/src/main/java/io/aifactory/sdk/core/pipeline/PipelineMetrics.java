package io.aifactory.sdk.core.pipeline;

import java.util.List;
import java.util.Optional;

/** A snapshot of a pipeline's counters: its totals, its model calls, and each machine's. Immutable. */
public final class PipelineMetrics {
  private final String pipeline;
  private final long ticks;
  private final long modelCalls;
  private final long pollOverruns;
  private final MachineMetrics total;
  private final List<MachineMetrics> machines;

  PipelineMetrics(String pipeline, long ticks, long modelCalls, long pollOverruns, MachineMetrics total,
      List<MachineMetrics> machines) {
    this.pipeline = pipeline;
    this.ticks = ticks;
    this.modelCalls = modelCalls;
    this.pollOverruns = pollOverruns;
    this.total = total;
    this.machines = List.copyOf(machines);
  }

  public String pipeline() {
    return pipeline;
  }

  /** Returns how many times the pipeline's thread woke up to score ready windows. */
  public long ticks() {
    return ticks;
  }

  /**
   * Returns how many times the model was called. With N machines ready in the same tick this grows by one, not N:
   * {@code total().inferences() / modelCalls()} is the average batch size.
   */
  public long modelCalls() {
    return modelCalls;
  }

  /**
   * Returns the polls the devices skipped because the previous one was still running (the sum of the subscriptions'
   * {@link io.aifactory.sdk.core.Subscription#overruns()}): a poll rate the devices or the network cannot keep up with.
   */
  public long pollOverruns() {
    return pollOverruns;
  }

  /** Returns the counters summed over every machine, with the pipeline's latency percentiles. */
  public MachineMetrics total() {
    return total;
  }

  public List<MachineMetrics> machines() {
    return machines;
  }

  public Optional<MachineMetrics> machine(String name) {
    return machines.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  @Override
  public String toString() {
    return "Pipeline " + pipeline + ": ticks=" + ticks + " modelCalls=" + modelCalls + " pollOverruns=" + pollOverruns + " " + total;
  }
}
