package io.aifactory.examples.energy;

import io.aifactory.sdk.core.pipeline.MachineResult;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Adds up energy from the model's results: the baseline (what the compressors would have drawn at the unchanged
 * setpoint, output 1) and the saving (baseline minus the power measured, output 2), each integrated over the time
 * between results on the plant's clock. Called on the pipeline's thread only; read from any thread.
 *
 * <p>A BAD result (the PLC went away) ends the stretch: the time until the next GOOD result is not counted, neither as
 * saved nor as used, because nobody knows what the plant did then.
 */
final class EnergyMeter {
  private final Supplier<Duration> clock;
  private final String baselineOutput;
  private final String savedOutput;
  private Duration last;
  private volatile double baselineKwh;
  private volatile double savedKwh;
  private volatile double lastSavedKw = Double.NaN;
  private volatile Duration counted = Duration.ZERO;

  EnergyMeter(Supplier<Duration> clock, String baselineOutput, String savedOutput) {
    this.clock = clock;
    this.baselineOutput = baselineOutput;
    this.savedOutput = savedOutput;
  }

  void onResult(MachineResult r) {
    Duration now = clock.get();
    if (!r.hasValues()) {
      last = null;
      return;
    }
    if (last != null && now.compareTo(last) > 0) {
      double hours = now.minus(last).toNanos() / 3.6e12;
      baselineKwh += r.value(baselineOutput) * hours;
      savedKwh += r.value(savedOutput) * hours;
      counted = counted.plus(now.minus(last));
    }
    lastSavedKw = r.value(savedOutput);
    last = now;
  }

  double baselineKwh() {
    return baselineKwh;
  }

  double savedKwh() {
    return savedKwh;
  }

  /** Returns the power saved according to the latest result, in kW; NaN before the first. */
  double savedKw() {
    return lastSavedKw;
  }

  /** Returns the plant time over which energy was counted. */
  Duration counted() {
    return counted;
  }
}
