package io.aifactory.sdk.testkit.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SignalsTest {
  private static final long S = 1_000_000_000L;

  @Test
  void shouldFollowSineAtQuarterPeriods() {
    Signal s = Signals.sine(2, Duration.ofSeconds(4), 10, 0);
    assertEquals(10, s.valueAt(0), 1e-12);
    assertEquals(12, s.valueAt(S), 1e-12);
    assertEquals(10, s.valueAt(2 * S), 1e-12);
    assertEquals(8, s.valueAt(3 * S), 1e-12);
  }

  @Test
  void shouldKeepTonePhaseExactAfterHoursOfSimulatedTime() {
    Signal tone = Signals.tone(1, 370);
    long tenHours = 36_000L * S;
    // 370 Hz completes a whole number of cycles every second, so a quarter cycle later it peaks.
    assertEquals(1.0, tone.valueAt(tenHours + Math.round(S / 370.0 / 4)), 1e-6);
  }

  @Test
  void shouldRampFromItsStartTimeAndClampToBounds() {
    Signal r = Signals.ramp(1, 0.5, Duration.ofSeconds(10), 0, 3);
    assertEquals(1, r.valueAt(5 * S), 1e-12);
    assertEquals(2, r.valueAt(12 * S), 1e-12);
    assertEquals(3, r.valueAt(100 * S), 1e-12);
  }

  @Test
  void shouldStayHighForTheDutyCycleOfASquareWave() {
    Signal sq = Signals.square(0, 5, Duration.ofSeconds(10), 0.3);
    assertEquals(5, sq.valueAt(0));
    assertEquals(5, sq.valueAt(2_999_999_999L));
    assertEquals(0, sq.valueAt(3 * S));
    assertEquals(5, sq.valueAt(12 * S));
  }

  @Test
  void shouldStepAtItsTime() {
    Signal st = Signals.step(1, 7, Duration.ofSeconds(30));
    assertEquals(1, st.valueAt(30 * S - 1));
    assertEquals(7, st.valueAt(30 * S));
  }

  @Test
  void shouldGiveTheSameNoiseForTheSameSeedAndDifferentNoiseForAnother() {
    Signal a = Signals.gaussianNoise(7, 2);
    Signal b = Signals.gaussianNoise(7, 2);
    Signal c = Signals.gaussianNoise(8, 2);
    int differ = 0;
    for (long t = 0; t < 1000; t++) {
      assertEquals(a.valueAt(t * 1_000_000), b.valueAt(t * 1_000_000));
      if (a.valueAt(t * 1_000_000) != c.valueAt(t * 1_000_000)) differ++;
    }
    assertEquals(1000, differ);
  }

  @Test
  void shouldHaveTheRequestedStandardDeviationAndZeroMean() {
    Signal n = Signals.gaussianNoise(3, 2);
    double sum = 0;
    double sumSq = 0;
    int count = 100_000;
    for (int i = 0; i < count; i++) {
      double v = n.valueAt(i * 1_000_000L);
      sum += v;
      sumSq += v * v;
    }
    double mean = sum / count;
    double std = Math.sqrt(sumSq / count - mean * mean);
    assertEquals(0, mean, 0.03);
    assertEquals(2, std, 0.03);
  }

  @Test
  void shouldGiveTheSameRandomWalkWhateverOrderTimesAreAskedIn() {
    long step = Duration.ofMillis(100).toNanos();
    Signal forwards = Signals.randomWalk(42, 20, 0.5, Duration.ofMillis(100));
    double[] expected = new double[500];
    for (int k = 0; k < expected.length; k++) expected[k] = forwards.valueAt(k * step + 7);

    Signal shuffledWalk = Signals.randomWalk(42, 20, 0.5, Duration.ofMillis(100));
    List<Integer> order = new ArrayList<>();
    for (int k = 0; k < expected.length; k++) order.add(k);
    Collections.shuffle(order, new Random(1));
    for (int k : order) assertEquals(expected[k], shuffledWalk.valueAt(k * step + 7), "step " + k);

    Signal other = Signals.randomWalk(43, 20, 0.5, Duration.ofMillis(100));
    assertNotEquals(expected[499], other.valueAt(499 * step));
    assertEquals(20, expected[0]);
    assertEquals(expected[3], forwards.valueAt(4 * step - 1), "held between steps");
  }

  @Test
  void shouldKeepARandomWalkWithinItsBounds() {
    Signal w = Signals.randomWalk(1, 0, 5, Duration.ofSeconds(1), -3, 3);
    for (int k = 0; k < 1000; k++) {
      double v = w.valueAt(k * S);
      assertTrue(v >= -3 && v <= 3, "step " + k + ": " + v);
    }
  }

  @Test
  void shouldReplayCsvWithInterpolationAndLooping() {
    String csv = "time,temperature,pressure\n0,20,1\n10,30,2\n20,20,3\n";
    Signal t = Signals.replay(new StringReader(csv), "test.csv", "temperature", true);
    assertEquals(20, t.valueAt(0), 1e-12);
    assertEquals(25, t.valueAt(5 * S), 1e-12);
    assertEquals(30, t.valueAt(10 * S), 1e-12);
    assertEquals(25, t.valueAt(25 * S), 1e-12); // looped: 25 s is 5 s into the next 20 s cycle
    Signal held = Signals.replay(new StringReader(csv), "test.csv", "pressure", false);
    assertEquals(3, held.valueAt(100 * S), 1e-12);
  }

  @Test
  void shouldNameTheFileLineAndColumnOfABadCsv() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> Signals.replay(new StringReader("time,a\n0,1\n"), "x.csv", "b", false));
    assertEquals("x.csv: no value column 'b' (the header has time, a; the first column is the time in seconds)", unknown.getMessage());
    IllegalArgumentException badRow = assertThrows(IllegalArgumentException.class,
        () -> Signals.replay(new StringReader("time,a\n0,1\n1,x\n"), "x.csv", "a", false));
    assertEquals("x.csv:3: expected numbers, found \"1,x\"", badRow.getMessage());
  }

  @Test
  void shouldComposeBySumProductAndScale() {
    Signal s = Signals.constant(2).plus(Signals.constant(3)).times(Signals.constant(4)).scale(0.5);
    assertEquals(10, s.valueAt(123), 1e-12);
  }

  @Test
  void shouldRefuseNonPositivePeriods() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Signals.sine(1, Duration.ZERO, 0, 0));
    assertEquals("period <= 0: PT0S", e.getMessage());
  }

  @Test
  void shouldDeriveStableDistinctSeedsPerStream() {
    assertEquals(Signals.deriveSeed(42, "line-plc/spindle1.speed"), Signals.deriveSeed(42, "line-plc/spindle1.speed"));
    assertNotEquals(Signals.deriveSeed(42, "line-plc/spindle1.speed"), Signals.deriveSeed(42, "line-plc/spindle2.speed"));
    assertNotEquals(Signals.deriveSeed(42, "a"), Signals.deriveSeed(43, "a"));
  }
}
