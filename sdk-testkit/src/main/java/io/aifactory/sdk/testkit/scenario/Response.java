package io.aifactory.sdk.testkit.scenario;

import io.aifactory.sdk.testkit.signal.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.LongFunction;

/**
 * How a tag of a closed-loop scenario reacts to what clients write: the plant's answer to a setpoint. The tag's
 * process value {@code y} follows a target {@code u} through a first-order lag after a dead time:
 *
 * <pre>
 * u(t) = offset + Σ gain_i · factors_i(t − deadTime)       factors: a setpoint tag, a signal, or both multiplied
 * τ · dy/dt = u(t) − y(t)                                  τ = timeConstant (0: y = u at once)
 * published value = signal(t) (if the tag also has one) + y(t) + noise(t)
 * </pre>
 *
 * <p>So a step of a setpoint by {@code Δ} at {@code t0} moves {@code y} by {@code gain · Δ · (1 − e^{−(t − t0 − D)/τ})}
 * from {@code t0 + D} on. The inputs' setpoint tags are undriven tags of the same device (what a client writes), read
 * by the runner at each move of the clock; between moves they hold their value. The process value (without the
 * measurement noise) is checked against the limits after every step of the simulation; leaving them is recorded
 * as a {@link LimitViolation} by the {@link ScenarioRunner}, so a test sees an unsafe write in the plant's own
 * record. The process starts at its steady state ({@code y = u(0)}) unless an initial value is given.
 *
 * <p>In a scenario file, the {@code response} object of a tag:
 *
 * <pre>{@code
 * "response": {
 *   "inputs": [ { "tag": "pressureSetpoint", "gain": 1.0 },
 *               { "signal": { "kind": "ref", "name": "demand" }, "gain": -0.03 } ],
 *   "offset": 0, "timeConstant": "4s", "deadTime": "1s", "noise": 0.01,
 *   "limits": { "min": 6.0, "max": 7.8 }, "initial": 7.0
 * }
 * }</pre>
 */
public final class Response {
  private final List<Input> inputs;
  private final double offset;
  private final Duration timeConstant;
  private final Duration deadTime;
  private final double noiseStdDev;
  private final double min;
  private final double max;
  private final Double initial;

  private Response(Builder b) {
    this.inputs = List.copyOf(b.inputs);
    this.offset = b.offset;
    this.timeConstant = b.timeConstant;
    this.deadTime = b.deadTime;
    this.noiseStdDev = b.noiseStdDev;
    this.min = b.min;
    this.max = b.max;
    this.initial = b.initial;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns the terms whose sum (plus the offset) the process value settles at. */
  public List<Input> inputs() {
    return inputs;
  }

  public double offset() {
    return offset;
  }

  /** Returns the first-order time constant τ: after a step, 63 % of the change is done τ after the dead time. */
  public Duration timeConstant() {
    return timeConstant;
  }

  /** Returns how long the process takes to start answering a change of its inputs. */
  public Duration deadTime() {
    return deadTime;
  }

  /** Returns the standard deviation of the measurement noise added to the published value (not to the process). */
  public double noiseStdDev() {
    return noiseStdDev;
  }

  /** Returns the lowest process value that is safe; {@code -Infinity} if none. */
  public double min() {
    return min;
  }

  /** Returns the highest process value that is safe; {@code +Infinity} if none. */
  public double max() {
    return max;
  }

  /** Returns the process value at time zero, if given; otherwise the process starts at its steady state. */
  public OptionalDouble initial() {
    return initial == null ? OptionalDouble.empty() : OptionalDouble.of(initial);
  }

  /** Returns the names of the setpoint tags the inputs read, in input order, without repeats. */
  public List<String> setpointTags() {
    List<String> names = new ArrayList<>();
    for (Input i : inputs) {
      if (i.tag != null && !names.contains(i.tag)) names.add(i.tag);
    }
    return names;
  }

  @Override
  public String toString() {
    return "Response{" + inputs + ", offset " + offset + ", τ " + timeConstant + ", dead time " + deadTime
        + ", noise " + noiseStdDev + ", limits [" + min + ", " + max + "]}";
  }

  /**
   * One term of a response's target: {@code gain} times a setpoint tag's value, a signal's value, or both
   * multiplied (e.g. compressor power ∝ pressure setpoint × air demand).
   */
  public static final class Input {
    private final double gain;
    private final String tag;
    private final LongFunction<Signal> signal;

    private Input(double gain, String tag, LongFunction<Signal> signal) {
      if (!Double.isFinite(gain)) throw new IllegalArgumentException("gain is not finite: " + gain);
      if (tag == null && signal == null) throw new IllegalArgumentException("an input needs a tag, a signal or both");
      if (tag != null && tag.isBlank()) throw new IllegalArgumentException("tag name is empty");
      this.gain = gain;
      this.tag = tag;
      this.signal = signal;
    }

    /** Returns {@code gain × tag}: the setpoint tag's value as a client last wrote it. */
    public static Input ofTag(String tag, double gain) {
      return new Input(gain, Objects.requireNonNull(tag, "tag"), null);
    }

    /** Returns {@code gain × signal}, the same signal whatever the run's seed. */
    public static Input ofSignal(Signal signal, double gain) {
      Objects.requireNonNull(signal, "signal");
      return new Input(gain, null, seed -> signal);
    }

    /**
     * Returns {@code gain × tag × signal}, or {@code gain × signal} if {@code tag} is null; the signal is built from
     * the run's seed.
     */
    public static Input of(String tag, LongFunction<Signal> signal, double gain) {
      return new Input(gain, tag, Objects.requireNonNull(signal, "signal"));
    }

    public double gain() {
      return gain;
    }

    /** Returns the setpoint tag this term reads, or null. */
    public String tag() {
      return tag;
    }

    /** Returns true if this term has a signal factor. */
    public boolean hasSignal() {
      return signal != null;
    }

    /** Returns the signal factor for a run with {@code seed}, or null if the term has none. */
    public Signal signal(long seed) {
      return signal == null ? null : Objects.requireNonNull(signal.apply(seed), "signal");
    }

    @Override
    public String toString() {
      return gain + (tag != null ? " × " + tag : "") + (signal != null ? " × signal" : "");
    }
  }

  /** Builds a {@link Response}; at least one input is required. */
  public static final class Builder {
    private final List<Input> inputs = new ArrayList<>();
    private double offset;
    private Duration timeConstant = Duration.ZERO;
    private Duration deadTime = Duration.ZERO;
    private double noiseStdDev;
    private double min = Double.NEGATIVE_INFINITY;
    private double max = Double.POSITIVE_INFINITY;
    private Double initial;

    private Builder() {}

    public Builder input(Input input) {
      inputs.add(Objects.requireNonNull(input, "input"));
      return this;
    }

    public Builder offset(double offset) {
      if (!Double.isFinite(offset)) throw new IllegalArgumentException("offset is not finite: " + offset);
      this.offset = offset;
      return this;
    }

    /** Sets τ of the first-order lag; zero makes the process follow its target at once (after the dead time). */
    public Builder timeConstant(Duration timeConstant) {
      Objects.requireNonNull(timeConstant, "timeConstant");
      if (timeConstant.isNegative()) throw new IllegalArgumentException("timeConstant < 0: " + timeConstant);
      this.timeConstant = timeConstant;
      return this;
    }

    public Builder deadTime(Duration deadTime) {
      Objects.requireNonNull(deadTime, "deadTime");
      if (deadTime.isNegative()) throw new IllegalArgumentException("deadTime < 0: " + deadTime);
      this.deadTime = deadTime;
      return this;
    }

    public Builder noise(double stdDev) {
      if (!(stdDev >= 0) || Double.isInfinite(stdDev)) throw new IllegalArgumentException("noise stdDev is not a finite number >= 0: " + stdDev);
      this.noiseStdDev = stdDev;
      return this;
    }

    /** Sets the safe band of the process value; use infinities for a one-sided limit. */
    public Builder limits(double min, double max) {
      if (Double.isNaN(min) || Double.isNaN(max) || !(min < max)) throw new IllegalArgumentException("limits: min >= max: " + min + " >= " + max);
      this.min = min;
      this.max = max;
      return this;
    }

    public Builder initial(double initial) {
      if (!Double.isFinite(initial)) throw new IllegalArgumentException("initial is not finite: " + initial);
      this.initial = initial;
      return this;
    }

    /** @throws IllegalArgumentException if there is no input */
    public Response build() {
      if (inputs.isEmpty()) throw new IllegalArgumentException("a response needs at least one input");
      return new Response(this);
    }
  }
}
