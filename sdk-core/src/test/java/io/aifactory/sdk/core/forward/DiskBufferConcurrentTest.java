package io.aifactory.sdk.core.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskBufferConcurrentTest {
  @TempDir Path dir;

  @Test
  void shouldKeepEveryAppenderInOrderWhileAConsumerDrains() throws Exception {
    int threads = 4;
    int perThread = 5000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (DiskBuffer buffer = DiskBuffer.newBuilder().directory(dir).segmentBytes(16 * 1024).build()) {
      buffer.open();
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> appenders = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        appenders.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < perThread; i++) {
            byte[] payload = ByteBuffer.allocate(8).putInt(thread).putInt(i).array();
            if (!buffer.append(payload, System.currentTimeMillis() * 1_000_000L)) throw new AssertionError("refused");
          }
          return null;
        }));
      }
      int[] next = new int[threads];
      long lastSequence = 0;
      int received = 0;
      go.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (received < threads * perThread && System.nanoTime() < deadline) {
        List<BufferedRecord> batch = buffer.peek(256);
        for (BufferedRecord r : batch) {
          assertTrue(r.sequence() > lastSequence, "sequence " + r.sequence() + " after " + lastSequence);
          lastSequence = r.sequence();
          ByteBuffer b = ByteBuffer.wrap(r.payload());
          int thread = b.getInt();
          int i = b.getInt();
          assertEquals(next[thread], i, "thread " + thread);
          next[thread]++;
          received++;
        }
        if (!batch.isEmpty()) buffer.acknowledge(batch.get(batch.size() - 1).sequence());
      }
      for (Future<?> f : appenders) f.get(10, TimeUnit.SECONDS);
      assertEquals(threads * perThread, received);
      BufferMetrics m = buffer.metrics();
      assertEquals(threads * perThread, m.appended());
      assertEquals(threads * perThread, m.delivered());
      assertEquals(0, m.pending());
    } finally {
      pool.shutdownNow();
    }
  }
}
