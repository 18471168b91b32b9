package io.aifactory.sdk.testkit.signal;

import java.util.Objects;

/**
 * An array-valued signal: a frame of {@code length} samples of a scalar signal taken at {@code sampleRateHz},
 * starting at the frame's time, as a vibration sensor delivers a waveform block.
 *
 * <pre>{@code
 * // 1x running speed at 100 Hz plus a bearing defect tone at 370 Hz that appears after 120 s
 * Signal vibration = Signals.tone(1.0, 100)
 *     .plus(Signals.tone(1.0, 370).times(Signals.step(0, 0.8, Duration.ofSeconds(120))));
 * Waveform frames = new Waveform(vibration, 2560, 256);
 * float[] frame = frames.frameAt(Duration.ofSeconds(130).toNanos(), new float[256]);
 * }</pre>
 */
public final class Waveform {
  private final Signal signal;
  private final double sampleRateHz;
  private final int length;
  private final double nanosPerSample;

  public Waveform(Signal signal, double sampleRateHz, int length) {
    this.signal = Objects.requireNonNull(signal, "signal");
    if (!(sampleRateHz > 0) || Double.isInfinite(sampleRateHz)) throw new IllegalArgumentException("sampleRateHz <= 0: " + sampleRateHz);
    if (length < 1) throw new IllegalArgumentException("length < 1: " + length);
    this.sampleRateHz = sampleRateHz;
    this.length = length;
    this.nanosPerSample = 1e9 / sampleRateHz;
  }

  public Signal signal() {
    return signal;
  }

  public double sampleRateHz() {
    return sampleRateHz;
  }

  public int length() {
    return length;
  }

  /** Returns the frame whose first sample is at {@code nanos}, as doubles. */
  public double[] frameAt(long nanos) {
    double[] frame = new double[length];
    for (int i = 0; i < length; i++) frame[i] = signal.valueAt(sampleTime(nanos, i));
    return frame;
  }

  /**
   * Fills {@code out} with the frame whose first sample is at {@code nanos} and returns it.
   *
   * @throws IllegalArgumentException if {@code out.length != length()}
   */
  public float[] frameAt(long nanos, float[] out) {
    if (out.length != length) throw new IllegalArgumentException("out.length != length: " + out.length + " != " + length);
    for (int i = 0; i < length; i++) out[i] = (float) signal.valueAt(sampleTime(nanos, i));
    return out;
  }

  private long sampleTime(long start, int i) {
    return start + Math.round(i * nanosPerSample);
  }

  @Override
  public String toString() {
    return "Waveform{" + length + " samples at " + sampleRateHz + " Hz}";
  }
}
