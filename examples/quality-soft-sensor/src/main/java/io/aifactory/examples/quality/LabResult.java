package io.aifactory.examples.quality;

import java.time.Instant;
import java.util.Objects;

/**
 * A lab measurement of a sample taken from the line, reported when the lab has it (hours later): the sample's id, the
 * recipe the line was running when it was taken (the lab sheet says which product it is), when it was taken on the
 * plant's clock, and the measured melt flow index in g/10min.
 */
public record LabResult(String sampleId, int recipe, Instant sampledAt, double meltFlowIndex) {
  public LabResult {
    Objects.requireNonNull(sampleId, "sampleId");
    Objects.requireNonNull(sampledAt, "sampledAt");
    if (!Double.isFinite(meltFlowIndex)) throw new IllegalArgumentException("meltFlowIndex is not a number: " + meltFlowIndex);
  }
}
