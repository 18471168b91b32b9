package io.aifactory.sdk.diagnostics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.pipeline.MachineResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BroadcasterTest {

  @Test
  void shouldDropAPageThatFallsBehindAndNeverWaitForIt() throws Exception {
    Journal journal = new Journal(10, 10);
    try (Broadcaster b = new Broadcaster(journal, Duration.ofMillis(10), 2, 3)) {
      Broadcaster.Client stuck = b.open(); // a browser that never reads
      b.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (b.clients() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(0, b.clients(), "the stuck page was dropped");
      String last = null;
      for (String m; (m = stuck.next(Duration.ZERO)) != null; ) {
        last = m;
      }
      assertEquals(Broadcaster.DROPPED, last, "its stream is told to end, so that the browser reconnects");
    }
  }

  @Test
  void shouldRefuseMorePagesThanAllowed() {
    try (Broadcaster b = new Broadcaster(new Journal(10, 10), Duration.ofMillis(100), 2, 3)) {
      assertNotNull(b.open());
      assertNotNull(b.open());
      assertNull(b.open());
    }
  }

  @Test
  void shouldKeepOnlyTheNewestResultsAndSendEachOnce() {
    Journal journal = new Journal(4, 10);
    for (int i = 0; i < 10; i++) {
      journal.onResult(new MachineResult("p", "m", i, i * 1_000_000L, Quality.GOOD, List.of("s"), new double[] {i}));
    }
    Journal.Cursors cursors = new Journal.Cursors();
    assertEquals(4, results(journal.collect(cursors)).size(), "a bounded ring: the 4 newest");
    assertTrue(results(journal.collect(cursors)).isEmpty(), "nothing new, nothing sent");
    journal.onResult(new MachineResult("p", "m", 10, 10_000_000L, Quality.GOOD, List.of("s"), new double[] {10}));
    assertEquals(1, results(journal.collect(cursors)).size());
    assertEquals(4, results(journal.snapshot(cursors)).size(), "a snapshot holds what the ring holds");
  }

  @SuppressWarnings("unchecked")
  private static List<Object> results(java.util.Map<String, Object> message) {
    return new ArrayList<>((List<Object>) message.get("results"));
  }
}
