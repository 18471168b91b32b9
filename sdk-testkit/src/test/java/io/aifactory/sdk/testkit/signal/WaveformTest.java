package io.aifactory.sdk.testkit.signal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WaveformTest {
  /** Returns the magnitude of DFT bin {@code k}, normalised so a unit sine gives 0.5. */
  static double bin(float[] x, int k) {
    double re = 0;
    double im = 0;
    for (int n = 0; n < x.length; n++) {
      double a = 2 * Math.PI * k * n / x.length;
      re += x[n] * Math.cos(a);
      im -= x[n] * Math.sin(a);
    }
    return Math.hypot(re, im) / x.length;
  }

  @Test
  void shouldShowADefectTonePeakOnlyAfterTheFaultStarts() {
    Signal vibration = Signals.tone(0.5, 100)
        .plus(Signals.gaussianNoise(1, 0.05))
        .plus(Signals.tone(1, 370).times(Signals.ramp(0, 0.01, Duration.ofSeconds(120), 0, 1)));
    Waveform w = new Waveform(vibration, 2560, 256);
    float[] healthy = w.frameAt(Duration.ofSeconds(60).toNanos(), new float[256]);
    float[] faulty = w.frameAt(Duration.ofSeconds(200).toNanos(), new float[256]);
    assertTrue(bin(healthy, 37) < 0.02, "healthy bin 37: " + bin(healthy, 37));
    assertEquals(0.4, bin(faulty, 37), 0.03); // amplitude 0.8 at 200 s
    assertEquals(0.25, bin(faulty, 10), 0.02); // 1x running speed unchanged
  }

  @Test
  void shouldGiveTheSameFrameForTheSameTime() {
    Waveform w = new Waveform(Signals.gaussianNoise(5, 1), 1000, 64);
    assertArrayEquals(w.frameAt(123_456_789L), w.frameAt(123_456_789L));
    assertEquals(64, w.frameAt(0).length);
  }
}
