package io.aifactory.sdk.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One writer appends as fast as it can while a reader on another thread takes views; the ring is small so the
 * writer overtakes the reader often. Every row's values equal its row number, so a torn or overwritten read
 * shows up as a row that does not match its position.
 */
class WindowConcurrentTest {
  private static final int CAPACITY = 16;
  private static final int N = 12;
  private static final int FEATURES = 4;
  private static final int ROWS = 2_000_000; // row numbers stay exact as floats (< 2^24)

  private final ExecutorService writerThread = Executors.newSingleThreadExecutor();

  @AfterEach
  void stopWriter() throws InterruptedException {
    writerThread.shutdownNow();
    assertTrue(writerThread.awaitTermination(10, TimeUnit.SECONDS));
  }

  private Future<?> startWriter(Window window) {
    return writerThread.submit(() -> {
      float[] row = new float[FEATURES];
      for (int r = 0; r < ROWS; r++) {
        Arrays.fill(row, r);
        window.append(r, row);
      }
    });
  }

  /** Returns a description of the first row that does not hold {@code end - rows + k}, or null. */
  private static String firstMismatch(float[] values, long[] times, long end, int rows) {
    for (int k = 0; k < rows; k++) {
      long expected = end - rows + k;
      if (times != null && times[k] != expected) {
        return "time of row " + k + ": expected " + expected + ", found " + times[k];
      }
      for (int c = 0; c < FEATURES; c++) {
        if (values[k * FEATURES + c] != expected) {
          return "row " + k + " column " + c + ": expected " + expected + ", found " + values[k * FEATURES + c];
        }
      }
    }
    return null;
  }

  @Test
  void shouldLetReadersDetectEveryViewTheWriterOverwroteWhileTheyReadIt() throws Exception {
    try (Window window = Window.newBuilder().capacity(CAPACITY).features(FEATURES).build()) {
      Future<?> writer = startWriter(window);
      float[] values = new float[N * FEATURES];
      long[] times = new long[N];
      long intact = 0;
      long overwritten = 0;
      boolean writerDone = false;
      while (!writerDone) {
        writerDone = writer.isDone(); // one more read after the writer stops, which must be intact
        long end = window.sequence();
        if (end < N) {
          continue;
        }
        TensorBuffer view = window.values(end, N);
        view.get(0, values, 0, values.length);
        window.times(end, N).get(0, times);
        if (window.isIntact(end, N)) {
          String mismatch = firstMismatch(values, times, end, N);
          assertEquals(null, mismatch, "view ending at " + end + " reported intact but was not");
          intact++;
        } else {
          overwritten++;
        }
      }
      writer.get();
      assertTrue(intact > 0, "intact=" + intact + " overwritten=" + overwritten);
      assertEquals(ROWS, window.sequence());
    }
  }

  @Test
  void shouldAlwaysCopyAConsistentSnapshotWhileTheWriterAppends() throws Exception {
    try (Window window = Window.newBuilder().capacity(CAPACITY).features(FEATURES).build();
        TensorBuffer snapshot = TensorBuffer.allocate(ElementType.FLOAT32, 1, N, FEATURES)) {
      Future<?> writer = startWriter(window);
      float[] values = new float[N * FEATURES];
      long copies = 0;
      long lastEnd = 0;
      boolean writerDone = false;
      while (!writerDone) {
        writerDone = writer.isDone();
        if (window.sequence() < N) {
          continue;
        }
        long end = window.copyLatestInto(snapshot);
        assertTrue(end >= lastEnd, "sequence went back from " + lastEnd + " to " + end);
        lastEnd = end;
        snapshot.get(0, values, 0, values.length);
        assertEquals(null, firstMismatch(values, null, end, N), "snapshot ending at " + end);
        copies++;
      }
      writer.get();
      assertEquals(ROWS, lastEnd, "the last copy, after the writer stopped, has the last rows");
      assertTrue(copies > 0);
    }
  }
}
