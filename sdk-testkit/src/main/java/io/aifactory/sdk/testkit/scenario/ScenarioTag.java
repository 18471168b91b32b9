package io.aifactory.sdk.testkit.scenario;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.signal.Signal;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.LongFunction;

/**
 * A tag of a scenario device and the signal that drives it. The signal is built from the run's seed, so one
 * scenario gives different (but repeatable) data for different seeds. A tag without a signal keeps whatever a
 * test or a client writes to it, e.g. a setpoint.
 *
 * <p>An array tag (e.g. {@code float32[256]}) is driven as a waveform: each update is a frame of the signal
 * sampled at {@link #sampleRateHz()}.
 *
 * <p>A scalar numeric tag may also have a {@link Response}: the plant's answer to setpoints that clients write (a
 * pressure that follows its setpoint through a lag and a dead time). Its value is then the signal, if any, plus the
 * response's process value.
 */
public final class ScenarioTag {
  private final Tag tag;
  private final LongFunction<Signal> signal;
  private final double sampleRateHz;
  private final Double initialValue;
  private final Response response;

  private ScenarioTag(Builder b) {
    this.tag = b.tag;
    this.signal = b.signal;
    this.sampleRateHz = b.sampleRateHz;
    this.initialValue = b.initialValue;
    this.response = b.response;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public Tag tag() {
    return tag;
  }

  /** Returns true if a signal drives this tag. */
  public boolean isDriven() {
    return signal != null;
  }

  /**
   * Returns the signal for a run with {@code seed}.
   *
   * @throws IllegalStateException if the tag is not driven
   */
  public Signal signal(long seed) {
    if (signal == null) throw new IllegalStateException("tag '" + tag.name() + "' has no signal");
    return Objects.requireNonNull(signal.apply(seed), "signal for tag " + tag.name());
  }

  /** Returns the sample rate of an array tag's waveform, or 0 for a scalar tag. */
  public double sampleRateHz() {
    return sampleRateHz;
  }

  /** Returns the value an undriven tag starts with (e.g. a setpoint), if the scenario gives one. */
  public OptionalDouble initialValue() {
    return initialValue == null ? OptionalDouble.empty() : OptionalDouble.of(initialValue);
  }

  /** Returns how the tag responds to setpoints written by clients, if it does. */
  public Optional<Response> response() {
    return Optional.ofNullable(response);
  }

  /** Returns true if clients' writes are what the tag keeps: it has neither a signal nor a response. */
  public boolean isSetpoint() {
    return signal == null && response == null;
  }

  @Override
  public String toString() {
    return tag.name() + (signal == null && response == null ? " (not driven)" : "") + (response != null ? " (responds)" : "") + (sampleRateHz > 0 ? " @" + sampleRateHz + " Hz" : "");
  }

  /** Builds a {@link ScenarioTag}; the tag is required, and an array tag needs a sample rate if driven. */
  public static final class Builder {
    private Tag tag;
    private LongFunction<Signal> signal;
    private double sampleRateHz;
    private Double initialValue;
    private Response response;

    private Builder() {}

    private Builder(ScenarioTag t) {
      tag = t.tag;
      signal = t.signal;
      sampleRateHz = t.sampleRateHz;
      initialValue = t.initialValue;
      response = t.response;
    }

    public Builder tag(Tag tag) {
      this.tag = Objects.requireNonNull(tag, "tag");
      return this;
    }

    /** Drives the tag with {@code signal} whatever the seed. */
    public Builder signal(Signal signal) {
      Objects.requireNonNull(signal, "signal");
      this.signal = seed -> signal;
      return this;
    }

    /** Drives the tag with a signal built from the run's seed. */
    public Builder seededSignal(LongFunction<Signal> signal) {
      this.signal = Objects.requireNonNull(signal, "signal");
      return this;
    }

    /** Sets the sample rate of an array tag's waveform frames. */
    public Builder sampleRateHz(double sampleRateHz) {
      if (!(sampleRateHz > 0) || Double.isInfinite(sampleRateHz)) throw new IllegalArgumentException("sampleRateHz <= 0: " + sampleRateHz);
      this.sampleRateHz = sampleRateHz;
      return this;
    }

    /** Sets the value an undriven scalar tag starts with, e.g. a setpoint that clients then write. */
    public Builder initialValue(double initialValue) {
      if (!Double.isFinite(initialValue)) throw new IllegalArgumentException("initialValue is not finite: " + initialValue);
      this.initialValue = initialValue;
      return this;
    }

    /** Makes the tag answer setpoints written to other tags of its device; its value adds to the signal, if any. */
    public Builder response(Response response) {
      this.response = Objects.requireNonNull(response, "response");
      return this;
    }

    /**
     * @throws IllegalArgumentException if the tag is missing, a sample rate is missing or misplaced, or a response
     *     is given to a tag that is not a scalar number
     */
    public ScenarioTag build() {
      if (tag == null) throw new IllegalArgumentException("tag is missing");
      boolean array = tag.dataType().isArray();
      if (array && signal != null && sampleRateHz == 0) {
        throw new IllegalArgumentException("tag '" + tag.name() + "' is an array (" + tag.dataType() + ") driven by a signal: it needs a sample rate");
      }
      if (!array && sampleRateHz != 0) {
        throw new IllegalArgumentException("tag '" + tag.name() + "' is a scalar (" + tag.dataType() + "): a sample rate applies to array tags only");
      }
      if (signal != null && (tag.dataType().kind() == DataType.Kind.STRING)) {
        throw new IllegalArgumentException("tag '" + tag.name() + "' is a string: signals drive numbers and booleans only");
      }
      if (response != null && !tag.dataType().isScalarNumeric()) {
        throw new IllegalArgumentException("tag '" + tag.name() + "' is " + tag.dataType() + ": a response drives scalar numbers only");
      }
      if (response != null && response.setpointTags().contains(tag.name())) {
        throw new IllegalArgumentException("tag '" + tag.name() + "': a response cannot take its own tag as an input");
      }
      if (initialValue != null && (signal != null || response != null || !tag.dataType().isScalarNumeric() && tag.dataType().kind() != DataType.Kind.BOOL)) {
        throw new IllegalArgumentException("tag '" + tag.name() + "': an initial value applies to undriven scalar tags only");
      }
      return new ScenarioTag(this);
    }
  }
}
