package io.aifactory.sdk.core.forward;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwarderTest {
  @TempDir Path dir;

  /** Records carry their real time: the buffer drops records older than its maxAge (7 days). */
  private static long now() {
    return System.currentTimeMillis() * 1_000_000L;
  }

  @Test
  void shouldRetryWhileTheLinkIsDownAndDeliverEverythingInOrder() throws Exception {
    AtomicBoolean up = new AtomicBoolean(false);
    List<String> received = new ArrayList<>();
    try (DiskBuffer buffer = DiskBuffer.newBuilder().directory(dir).build()) {
      buffer.open();
      Forwarder.Sender sender = batch -> {
        if (!up.get()) throw new IOException("link down");
        synchronized (received) {
          for (BufferedRecord r : batch) received.add(new String(r.payload(), UTF_8));
        }
        return true;
      };
      try (Forwarder forwarder = Forwarder.newBuilder().buffer(buffer).sender(sender).batchSize(7)
          .minBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(50)).build()) {
        forwarder.start();
        for (int i = 0; i < 100; i++) buffer.append(("r" + i).getBytes(UTF_8), now() + i);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (forwarder.failures() < 3 && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(forwarder.linkDown());
        assertEquals(100, buffer.pending(), "nothing is dropped while the link is down");
        up.set(true);
        assertTrue(forwarder.awaitDrained(Duration.ofSeconds(30)));
        assertEquals(100, forwarder.sent());
      }
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) expected.add("r" + i);
    synchronized (received) {
      assertEquals(expected, received);
    }
  }

  @Test
  void shouldResendABatchTheSenderDidNotConfirm() throws Exception {
    List<Long> attempts = new ArrayList<>();
    try (DiskBuffer buffer = DiskBuffer.newBuilder().directory(dir).build()) {
      buffer.open();
      Forwarder.Sender sender = batch -> {
        synchronized (attempts) {
          attempts.add(batch.get(0).sequence());
          return attempts.size() > 1;
        }
      };
      buffer.append(new byte[] {1}, now());
      try (Forwarder forwarder = Forwarder.newBuilder().buffer(buffer).sender(sender)
          .minBackoff(Duration.ofMillis(5)).build()) {
        forwarder.start();
        assertTrue(forwarder.awaitDrained(Duration.ofSeconds(30)));
        assertEquals(1, forwarder.failures());
      }
    }
    synchronized (attempts) {
      assertEquals(2, attempts.size());
      assertEquals(attempts.get(0), attempts.get(1));
    }
  }
}
