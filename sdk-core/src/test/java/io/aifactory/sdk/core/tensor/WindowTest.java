package io.aifactory.sdk.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class WindowTest {

  private static float[] row(long r, int features) {
    float[] row = new float[features];
    for (int c = 0; c < features; c++) {
      row[c] = r * 10 + c;
    }
    return row;
  }

  private static float[] floats(TensorBuffer t) {
    float[] out = new float[t.elementCount()];
    t.get(0, out, 0, out.length);
    return out;
  }

  private static double[] doubles(TensorBuffer t) {
    double[] out = new double[t.elementCount()];
    if (t.elementType() == ElementType.FLOAT64) {
      t.get(0, out, 0, out.length);
    } else {
      for (int i = 0; i < out.length; i++) {
        out[i] = t.getFloat(i);
      }
    }
    return out;
  }

  private static byte[] bytes(TensorBuffer t) {
    byte[] out = new byte[t.elementCount()];
    t.get(0, out);
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 5, 7})
  void shouldGiveExactlyTheRowsOfANaiveRingAcrossWrapAround(int capacity) {
    int features = 3;
    try (Window window = Window.newBuilder().capacity(capacity).features(features).build()) {
      ArrayDeque<float[]> naive = new ArrayDeque<>();
      ArrayDeque<Long> naiveTimes = new ArrayDeque<>();
      for (long r = 0; r < 4L * capacity + 3; r++) {
        window.append(1000 + r, row(r, features));
        naive.addLast(row(r, features));
        naiveTimes.addLast(1000 + r);
        if (naive.size() > capacity) {
          naive.removeFirst();
          naiveTimes.removeFirst();
        }
        assertEquals(r + 1, window.sequence());
        assertEquals(naive.size(), window.size());
        for (int n = 0; n <= naive.size(); n++) {
          float[] expected = new float[n * features];
          long[] expectedTimes = new long[n];
          Iterator<float[]> rows = naive.descendingIterator();
          Iterator<Long> timesIt = naiveTimes.descendingIterator();
          for (int k = n - 1; k >= 0; k--) {
            System.arraycopy(rows.next(), 0, expected, k * features, features);
            expectedTimes[k] = timesIt.next();
          }
          TensorBuffer latest = window.latest(n);
          assertArrayEquals(new long[] {n, features}, latest.shape());
          assertArrayEquals(expected, floats(latest), "capacity=" + capacity + " row=" + r + " n=" + n);
          assertArrayEquals(new long[] {1, n, features}, window.latestBatch(n).shape());
          assertArrayEquals(expected, floats(window.latestBatch(n)));
          long[] times = new long[n];
          window.latestTimes(n).get(0, times);
          assertArrayEquals(expectedTimes, times);
        }
      }
    }
  }

  @Test
  void shouldHandOutViewsThatAliasTheWindowMemory() {
    try (Window window = Window.newBuilder().capacity(4).features(2).build()) {
      for (int r = 0; r < 6; r++) {
        window.append(r, row(r, 2));
      }
      TensorBuffer latest = window.latest(3);                 // rows 3, 4, 5
      TensorBuffer again = window.values(window.sequence(), 3);
      assertTrue(latest.isView());
      latest.putFloat(2, -1f);                                // row 4, column 0
      assertEquals(-1f, again.getFloat(2));
      assertEquals(-1f, window.latestBatch(3).getFloat(2));
      again.asFloatBuffer().put(5, -2f);                      // row 5, column 1, through the NIO buffer
      assertEquals(-2f, latest.getFloat(5));
      assertEquals(0, latest.asByteBuffer().position());
      assertEquals(3 * 2 * Float.BYTES, latest.asByteBuffer().remaining());

      // The writer's next rows land in the same memory the old view shows: nothing was copied out.
      window.append(6, row(6, 2));
      window.append(7, row(7, 2));
      assertEquals(70f, latest.getFloat(0));
    }
  }

  @Test
  void shouldNormaliseEachColumnWhenTheRowIsWritten() {
    try (Window window = Window.newBuilder().capacity(3).features(2)
        .normalisation(new double[] {10, -4}, new double[] {2, 0.5}).build()) {
      window.append(0, new float[] {14, -3});
      window.append(1, new double[] {10, -5}, null);
      assertArrayEquals(new float[] {2, 2, 0, -2}, floats(window.latest(2)));
      assertArrayEquals(new byte[] {1, 1, 1, 1}, bytes(window.latestMask(2)));
    }
  }

  @Test
  void shouldStoreDoublesInAFloat64Window() {
    try (Window window = Window.newBuilder().capacity(2).features(1).elementType(ElementType.FLOAT64).build()) {
      window.append(0, new double[] {Math.PI}, null);
      window.append(1, new float[] {2f});
      assertArrayEquals(new double[] {Math.PI, 2.0}, doubles(window.latest(2)));
      assertEquals(ElementType.FLOAT64, window.latest(1).elementType());
    }
  }

  @Test
  void shouldHoldLastGoodValueAndMarkTheMask() {
    try (Window window = Window.newBuilder().capacity(4).features(2)
        .missingData(MissingDataPolicy.HOLD_LAST).build()) {
      window.append(0, new float[] {1, 2});
      window.append(1, new float[] {3, 99}, new boolean[] {true, false});
      window.append(2, new float[] {Float.NaN, 4});
      assertArrayEquals(new float[] {1, 2, 3, 2, 3, 4}, floats(window.latest(3)));
      assertArrayEquals(new byte[] {1, 1, 1, 0, 0, 1}, bytes(window.latestMask(3)));
      assertTrue(window.isValid(3));
    }
  }

  @Test
  void shouldWriteNanAndInvalidateWhenThereIsNothingToHold() {
    try (Window window = Window.newBuilder().capacity(4).features(2).build()) {
      window.append(0, new float[] {1, 0}, new boolean[] {true, false}); // column 1 never seen: not 0
      assertTrue(Float.isNaN(window.latest(1).getFloat(1)));
      assertFalse(window.isValid(1));
      window.append(1, new float[] {2, 5});
      assertTrue(window.isValid(1));
      assertFalse(window.isValid(2));
    }
  }

  @Test
  void shouldStopHoldingAfterMaxHoldRows() {
    try (Window window = Window.newBuilder().capacity(4).features(1).maxHoldRows(2).build()) {
      window.append(0, new float[] {7});
      for (int r = 1; r <= 3; r++) {
        window.append(r, new float[] {0}, new boolean[] {false});
      }
      float[] values = floats(window.latest(4));
      assertEquals(7f, values[1]);
      assertEquals(7f, values[2]);
      assertTrue(Float.isNaN(values[3]));
      assertTrue(window.isValid(window.sequence() - 1, 3));
      assertFalse(window.isValid(1));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void shouldHoldAcrossWrapAroundAndResumeWhenTheColumnReturns(int capacity) {
    try (Window window = Window.newBuilder().capacity(capacity).features(2).maxHoldRows(3)
        .normalisation(new double[] {1, 0}, new double[] {2, 1}).build()) {
      window.append(0, new float[] {5, 1});                                  // column 0 normalised to 2
      float[] expected = {2, 2, 2, 2, Float.NaN, 4.5f};                     // held 3 rows, then NaN
      for (int r = 1; r <= 5; r++) {
        boolean back = r == 5;
        window.append(r, new float[] {back ? 10 : 0, r}, new boolean[] {back, true});
        float[] latest = floats(window.latest(1));
        assertEquals(expected[r], latest[0], "row " + r);
        assertEquals(r, latest[1], "row " + r);
        assertEquals(back ? 1 : 0, window.latestMask(1).getByte(0), "row " + r);
        assertEquals(r != 4, window.isValid(1), "row " + r);
      }
    }
  }

  @Test
  void shouldKeepTheWindowInvalidUntilItHasRefilled() {
    try (Window window = Window.newBuilder().capacity(8).length(3).features(2)
        .missingData(MissingDataPolicy.INVALIDATE).build()) {
      for (int r = 0; r < 4; r++) {
        window.append(r, row(r, 2));
      }
      assertTrue(window.isValid(3));
      window.append(4, new float[] {1, 1}, new boolean[] {false, true});
      float[] latest = floats(window.latest(1));
      assertTrue(Float.isNaN(latest[0]), "a missing value is not held under INVALIDATE");
      assertEquals(1f, latest[1]);
      assertArrayEquals(new byte[] {0, 1}, bytes(window.latestMask(1)));
      for (int r = 5; r < 7; r++) {
        window.append(r, row(r, 2));
        assertFalse(window.isValid(3), "row " + r);
      }
      assertTrue(window.isValid(2));
      window.append(7, row(7, 2));
      assertTrue(window.isValid(3));
    }
  }

  @Test
  void shouldCallReadyEveryHopRowsOnlyWhenValid() {
    List<Long> ready = new ArrayList<>();
    List<float[]> inputs = new ArrayList<>();
    try (Window window = Window.newBuilder().capacity(6).length(3).hop(2).features(1)
        .missingData(MissingDataPolicy.INVALIDATE)
        .onReady((w, sequence) -> {
          ready.add(sequence);
          inputs.add(floats(w.latestBatch(w.length())));
        })
        .build()) {
      for (int r = 0; r < 8; r++) {
        window.append(r, new float[] {r});
      }
      assertEquals(List.of(3L, 5L, 7L), ready);
      assertArrayEquals(new float[] {4, 5, 6}, inputs.get(2));
      window.append(8, new float[] {0}, new boolean[] {false});
      window.append(9, new float[] {9});
      window.append(10, new float[] {10});
      window.append(11, new float[] {11});  // first valid window after the missing row
      window.append(12, new float[] {12});
      window.append(13, new float[] {13});
      assertEquals(List.of(3L, 5L, 7L, 12L, 14L), ready);
    }
  }

  @Test
  void shouldMapBatchTagsToColumnsAndTreatBadAndAbsentSamplesAsMissing() {
    Tag a = Tag.of("a", "holding:0:float32", DataType.FLOAT32);
    Tag b = Tag.of("b", "holding:2:float32", DataType.FLOAT32);
    Tag c = Tag.of("c", "holding:4:float32", DataType.FLOAT32);
    Tag other = Tag.of("other", "holding:6:float32", DataType.FLOAT32);
    try (Window window = Window.newBuilder().capacity(4).columns("a", "b", "c").build()) {
      window.append(SampleBatch.newBuilder(4)
          .add(b, 2, Quality.GOOD, 110)
          .add(other, 99, Quality.GOOD, 500)
          .add(a, 1, Quality.GOOD, 120)
          .add(c, 3, Quality.GOOD, 100)
          .build());
      // Same layout, new values; c is BAD, so it is held rather than read as NaN or 0.
      window.append(SampleBatch.newBuilder(4)
          .add(b, 5, Quality.GOOD, 210)
          .add(other, 99, Quality.GOOD, 600)
          .add(a, 4, Quality.GOOD, 220)
          .addBad(c, Quality.bad(Quality.Reason.TIMEOUT, "no reply"), 200)
          .build());
      // Another layout: c absent, UNCERTAIN b accepted by default.
      window.append(SampleBatch.newBuilder(2)
          .add(a, 7, Quality.GOOD, 300)
          .add(b, 8, Quality.uncertain(Quality.Reason.DEVICE_FLAGGED, 0, "sensor drift"), 310)
          .build());
      assertArrayEquals(new float[] {1, 2, 3, 4, 5, 3, 7, 8, 3}, floats(window.latest(3)));
      assertArrayEquals(new byte[] {1, 1, 1, 1, 1, 0, 1, 1, 0}, bytes(window.latestMask(3)));
      long[] times = new long[3];
      window.latestTimes(3).get(0, times);
      assertArrayEquals(new long[] {120, 220, 310}, times, "latest source time of the samples used");
      assertEquals(List.of("a", "b", "c"), window.columns());
    }
  }

  @Test
  void shouldTreatUncertainAsMissingWhenNotAccepted() {
    Tag a = Tag.of("a", "holding:0:float32", DataType.FLOAT32);
    try (Window window = Window.newBuilder().capacity(2).columns("a").acceptUncertain(false).build()) {
      window.append(SampleBatch.newBuilder(1).add(a, 1, Quality.GOOD, 1).build());
      window.append(SampleBatch.newBuilder(1)
          .add(a, 2, Quality.uncertain(Quality.Reason.DEVICE_FLAGGED, 0, ""), 2).build());
      assertArrayEquals(new float[] {1, 1}, floats(window.latest(2)));
      assertArrayEquals(new byte[] {1, 0}, bytes(window.latestMask(2)));
    }
  }

  @Test
  void shouldDetectThatAViewWasOverwrittenOnceTheWriterReachesItsRows() {
    int capacity = 8;
    int n = 3;
    try (Window window = Window.newBuilder().capacity(capacity).features(1).build()) {
      for (int r = 0; r < 10; r++) {
        window.append(r, new float[] {r});
      }
      long end = window.sequence();
      TensorBuffer view = window.values(end, n);
      float[] before = floats(view);
      assertArrayEquals(new float[] {7, 8, 9}, before);
      for (int r = 10; r < 10 + capacity - n; r++) {
        window.append(r, new float[] {r});
        assertTrue(window.isIntact(end, n), "after row " + r);
        assertArrayEquals(before, floats(view));
      }
      window.append(99, new float[] {99});
      assertFalse(window.isIntact(end, n));
      assertFalse(window.isValid(end, n));
      assertEquals(99f, view.getFloat(0), "the view shows the ring, not a snapshot");
    }
  }

  @ParameterizedTest
  @EnumSource(value = ElementType.class, names = {"FLOAT32", "FLOAT64"})
  void shouldCopyLatestRowsIntoAStableSnapshot(ElementType type) {
    try (Window window = Window.newBuilder().capacity(5).features(2).elementType(type).build();
        TensorBuffer snapshot = TensorBuffer.allocate(type, 1, 3, 2)) {
      for (int r = 0; r < 7; r++) {
        window.append(r, row(r, 2));
      }
      assertEquals(7, window.copyLatestInto(snapshot));
      window.append(7, row(7, 2));
      assertArrayEquals(new double[] {40, 41, 50, 51, 60, 61}, doubles(snapshot));
      assertArrayEquals(new double[] {50, 51, 60, 61, 70, 71}, doubles(window.latest(3)));
    }
  }

  @Test
  void shouldRejectMisuseWithExpectedAndFound() {
    try (Window window = Window.newBuilder().capacity(4).features(2).build()) {
      TensorException e = assertThrows(TensorException.class, () -> window.append(0, new float[3]));
      assertEquals("window row: expected 2 values, found 3", e.getMessage());
      window.append(0, new float[2]);
      e = assertThrows(TensorException.class, () -> window.latest(2));
      assertTrue(e.getMessage().contains("sequence 1"), e.getMessage());
      assertThrows(TensorException.class, () -> window.latest(5));
      assertThrows(TensorException.class, () -> window.values(2, 1));
      e = assertThrows(TensorException.class,
          () -> window.copyLatestInto(TensorBuffer.allocate(ElementType.FLOAT32, 1, 3)));
      assertTrue(e.getMessage().contains("expected FLOAT32 [n, 2]"), e.getMessage());
      assertThrows(TensorException.class, () -> window.append(SampleBatch.newBuilder(0).build()));
    }
    assertThrows(IllegalArgumentException.class, () -> Window.newBuilder().features(2).build());
    assertThrows(IllegalArgumentException.class,
        () -> Window.newBuilder().capacity(2).features(2).length(3).build());
    assertThrows(IllegalArgumentException.class,
        () -> Window.newBuilder().capacity(2).features(2).normalisation(new double[] {0, 0}, new double[] {1, 0})
            .build());
  }

  @Test
  void shouldMakeViewsUnusableAfterClose() {
    Window window = Window.newBuilder().capacity(2).features(1).build();
    window.append(0, new float[] {1});
    TensorBuffer view = window.latest(1);
    window.close();
    assertThrows(TensorException.class, () -> view.getFloat(0));
    assertThrows(TensorException.class, () -> window.append(1, new float[] {1}));
  }
}
