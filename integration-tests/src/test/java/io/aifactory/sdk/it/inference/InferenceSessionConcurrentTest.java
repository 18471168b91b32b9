package io.aifactory.sdk.it.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.inference.InferenceSession;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.SessionBinding;
import io.aifactory.sdk.testkit.onnx.Pca;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InferenceSessionConcurrentTest {
  private static final int THREADS = 8;
  private static final Pca PCA = TestModels.pca();

  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
  }

  @Test
  void shouldGiveEveryThreadItsOwnCorrectResults() throws Exception {
    try (InferenceSession session = InferenceSession.open(ModelSource.ofBytes("pca.onnx", PCA.model().bytes()))) {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int seed = t;
        boolean bound = t % 2 == 0; // half the threads use run(), half their own binding
        results.add(pool.submit(() -> runMany(session, seed, bound, 200)));
      }
      for (Future<Integer> f : results) {
        assertEquals(200, f.get(60, TimeUnit.SECONDS));
      }
      assertEquals(THREADS * 200, session.metrics().runs());
      assertEquals(0, session.metrics().failures());
    }
  }

  private static int runMany(InferenceSession session, int seed, boolean bound, int runs) {
    Random random = new Random(seed);
    try (TensorBuffer input = TensorBuffer.allocate(ElementType.FLOAT32, 3, TestModels.FEATURES);
        TensorBuffer score = TensorBuffer.allocate(ElementType.FLOAT32, 3, 1);
        SessionBinding binding = bound ? session.bind(Map.of("input", input), Map.of("score", score)) : null) {
      int ok = 0;
      for (int i = 0; i < runs; i++) {
        float[][] rows = Tensors.random(random, 3, TestModels.FEATURES);
        for (int r = 0; r < 3; r++) {
          input.put(r * TestModels.FEATURES, rows[r]);
        }
        if (binding != null) {
          binding.run();
        } else {
          session.run(Map.of("input", input), Map.of("score", score));
        }
        for (int r = 0; r < 3; r++) {
          float expected = PCA.score(rows[r]);
          if (Math.abs(expected - score.getFloat(r)) > 1e-5 * Math.max(1, expected)) {
            throw new AssertionError("thread " + seed + " run " + i + " row " + r + ": expected " + expected
                + " got " + score.getFloat(r));
          }
        }
        ok++;
      }
      return ok;
    }
  }

  @Test
  void shouldLetAMetricsListenerCloseTheSessionWhileOtherThreadsRun() throws Exception {
    InferenceSession session = InferenceSession.open(ModelSource.ofBytes("pca.onnx", PCA.model().bytes()));
    CountDownLatch running = new CountDownLatch(THREADS);
    AtomicInteger closes = new AtomicInteger();
    session.addMetricsListener((model, provider, batchSize, latencyNanos) -> {
      if (running.getCount() == 0 && closes.getAndIncrement() == 0) {
        session.close(); // e.g. a health monitor that takes a misbehaving model out of service
      }
    });
    List<Future<String>> outcomes = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      outcomes.add(pool.submit(() -> {
        try (TensorBuffer input = TensorBuffer.allocate(ElementType.FLOAT32, 4, TestModels.FEATURES);
            TensorBuffer score = TensorBuffer.allocate(ElementType.FLOAT32, 4, 1)) {
          running.countDown();
          while (true) {
            try {
              session.run(Map.of("input", input), Map.of("score", score));
            } catch (InferenceException e) {
              return e.getMessage();
            }
          }
        }
      }));
    }
    for (Future<String> outcome : outcomes) {
      assertEquals("model pca.onnx: session is closed", outcome.get(30, TimeUnit.SECONDS));
    }
    assertTrue(session.toString().endsWith(", closed]"), session.toString());
  }

  @Test
  void shouldFreeOnceWhenClosedFromTwoThreadsAtOnce() throws Exception {
    byte[] model = PCA.model().bytes();
    for (int i = 0; i < 20; i++) {
      InferenceSession session = InferenceSession.open(ModelSource.ofBytes("pca.onnx", model));
      java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
      Future<?> first = pool.submit(() -> {
        together.await();
        session.close();
        return null;
      });
      Future<?> second = pool.submit(() -> {
        together.await();
        session.close();
        return null;
      });
      first.get(30, TimeUnit.SECONDS); // would throw ExecutionException: "already closed" from ONNX Runtime
      second.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldWaitForRunsInFlightWhenClosingAndRefuseLaterOnes() throws Exception {
    InferenceSession session = InferenceSession.open(ModelSource.ofBytes("pca.onnx", PCA.model().bytes()));
    CountDownLatch running = new CountDownLatch(THREADS);
    AtomicInteger succeeded = new AtomicInteger();
    List<Future<String>> outcomes = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int seed = t;
      outcomes.add(pool.submit(() -> {
        Random random = new Random(seed);
        try (TensorBuffer input = TensorBuffer.allocate(ElementType.FLOAT32, 16, TestModels.FEATURES);
            TensorBuffer score = TensorBuffer.allocate(ElementType.FLOAT32, 16, 1)) {
          running.countDown();
          while (true) {
            float[] row = Tensors.random(random, 1, TestModels.FEATURES)[0];
            input.put(0, row);
            try {
              session.run(Map.of("input", input), Map.of("score", score));
            } catch (InferenceException e) {
              return e.getMessage();
            }
            float expected = PCA.score(row);
            if (Math.abs(expected - score.getFloat(0)) > 1e-5 * Math.max(1, expected)) {
              return "wrong result " + score.getFloat(0) + " expected " + expected;
            }
            succeeded.incrementAndGet();
          }
        }
      }));
    }
    assertTrue(running.await(30, TimeUnit.SECONDS));
    session.close();
    long runsAtClose = session.metrics().runs();
    for (Future<String> outcome : outcomes) {
      assertEquals("model pca.onnx: session is closed", outcome.get(30, TimeUnit.SECONDS));
    }
    // Every run that started before close finished and was counted; none ran after.
    assertEquals(runsAtClose, session.metrics().runs());
    assertEquals(succeeded.get(), session.metrics().runs());
  }

  @Test
  void shouldCloseWhileBindingsRunOnOtherThreads() throws Exception {
    InferenceSession session = InferenceSession.open(ModelSource.ofBytes("pca.onnx", PCA.model().bytes()));
    CountDownLatch running = new CountDownLatch(THREADS);
    List<Future<String>> outcomes = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      outcomes.add(pool.submit(() -> {
        try (TensorBuffer input = TensorBuffer.allocate(ElementType.FLOAT32, 4, TestModels.FEATURES);
            TensorBuffer score = TensorBuffer.allocate(ElementType.FLOAT32, 4, 1);
            SessionBinding binding = session.bind(Map.of("input", input), Map.of("score", score))) {
          binding.run();
          running.countDown();
          while (true) {
            try {
              binding.run();
            } catch (InferenceException e) {
              return e.getMessage();
            }
          }
        }
      }));
    }
    assertTrue(running.await(30, TimeUnit.SECONDS));
    session.close();
    for (Future<String> outcome : outcomes) {
      String message = outcome.get(30, TimeUnit.SECONDS);
      assertTrue(message.equals("model pca.onnx: session is closed") || message.equals("model pca.onnx: binding is closed"),
          message);
    }
  }
}
