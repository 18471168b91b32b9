package io.aifactory.sdk.it.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.inference.BatchingOptions;
import io.aifactory.sdk.inference.BatchingSession;
import io.aifactory.sdk.inference.ExecutionProvider;
import io.aifactory.sdk.inference.InferenceResult;
import io.aifactory.sdk.inference.InferenceSession;
import io.aifactory.sdk.inference.MetricsListener;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.QueueFullException;
import io.aifactory.sdk.testkit.onnx.Mlp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchingSessionTest {
  private static final Mlp MLP = Mlp.random(9, new int[] {16}, 8, 3);

  private InferenceSession session;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void open() {
    session = InferenceSession.open(ModelSource.ofBytes("mlp.onnx", MLP.model().bytes()));
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    session.close();
  }

  private <T extends AutoCloseable> T track(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  private TensorBuffer sample(float[] values) {
    TensorBuffer t = track(TensorBuffer.allocate(ElementType.FLOAT32, values.length));
    t.put(0, values);
    return t;
  }

  @Test
  void shouldGiveEachOfManyProducersExactlyItsOneByOneResult() throws Exception {
    int producers = 64;
    int perProducer = 20;
    float[][][] samples = new float[producers][perProducer][];
    float[][][] oneByOne = new float[producers][perProducer][];
    Random random = new Random(1);
    try (TensorBuffer one = TensorBuffer.allocate(ElementType.FLOAT32, 1, 16);
        TensorBuffer out = TensorBuffer.allocate(ElementType.FLOAT32, 1, 3)) {
      for (int p = 0; p < producers; p++) {
        for (int i = 0; i < perProducer; i++) {
          samples[p][i] = Tensors.random(random, 1, 16)[0];
          one.put(0, samples[p][i]);
          session.run(Map.of("input", one), Map.of("output", out));
          oneByOne[p][i] = Tensors.read(out);
        }
      }
    }
    BatchingOptions options = BatchingOptions.newBuilder().maxBatchSize(16).maxQueueDelay(Duration.ofMillis(1))
        .build();
    ExecutorService pool = Executors.newFixedThreadPool(producers);
    try (BatchingSession batcher = BatchingSession.start(session, options)) {
      List<Future<?>> done = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int producer = p;
        done.add(pool.submit(() -> {
          for (int i = 0; i < perProducer; i++) {
            try (TensorBuffer in = TensorBuffer.allocate(ElementType.FLOAT32, 16)) {
              in.put(0, samples[producer][i]);
              try (InferenceResult result = batcher.submit(Map.of("input", in)).get(30, TimeUnit.SECONDS)) {
                TensorBuffer output = result.get("output");
                assertArrayEquals(new long[] {1, 3}, output.shape());
                assertArrayEquals(oneByOne[producer][i], Tensors.read(output),
                    "producer " + producer + " sample " + i);
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    Map<Integer, Long> sizes = session.metrics().batchSizes();
    long batched = sizes.entrySet().stream().mapToLong(e -> e.getKey() * e.getValue()).sum();
    assertEquals(producers * perProducer * 2L, batched); // the one-by-one runs plus the batched samples
    assertTrue(sizes.keySet().stream().allMatch(s -> s <= 16), sizes.toString());
  }

  @Test
  void shouldGatherQueuedSamplesIntoOneBatchAndWriteCallerOutputs() throws Exception {
    // Hold the worker inside its first run, queue five samples, then let go: they form one batch of five.
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch inFirstRun = new CountDownLatch(1);
    session.addMetricsListener(blockFirstRun(inFirstRun, release));
    try (BatchingSession batcher = BatchingSession.start(session, BatchingOptions.newBuilder()
        .maxBatchSize(8).maxQueueDelay(Duration.ZERO).build())) {
      Random random = new Random(2);
      CompletableFuture<InferenceResult> first = batcher.submit(Map.of("input", sample(
          Tensors.random(random, 1, 16)[0])));
      assertTrue(inFirstRun.await(30, TimeUnit.SECONDS));
      List<CompletableFuture<Void>> futures = new ArrayList<>();
      List<float[]> inputs = new ArrayList<>();
      List<TensorBuffer> outputs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        float[] values = Tensors.random(random, 1, 16)[0];
        inputs.add(values);
        TensorBuffer out = track(TensorBuffer.allocate(ElementType.FLOAT32, 3));
        outputs.add(out);
        futures.add(batcher.submit(Map.of("input", sample(values)), Map.of("output", out)));
      }
      assertEquals(5, batcher.queued());
      release.countDown();
      first.get(30, TimeUnit.SECONDS).close();
      for (int i = 0; i < 5; i++) {
        futures.get(i).get(30, TimeUnit.SECONDS);
        assertArrayEquals(MLP.predict(inputs.get(i)), Tensors.read(outputs.get(i)), 1e-5f);
      }
    }
    assertEquals(Map.of(1, 1L, 5, 1L), session.metrics().batchSizes());
  }

  @Test
  void shouldCompleteEveryFutureOfABatchWhenNoProducerWaitsOnIt() throws Exception {
    // Nobody joins these futures: the worker alone must complete every one of them.
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch inFirstRun = new CountDownLatch(1);
    session.addMetricsListener(blockFirstRun(inFirstRun, release));
    try (BatchingSession batcher = BatchingSession.start(session, BatchingOptions.newBuilder()
        .maxBatchSize(8).maxQueueDelay(Duration.ZERO).build())) {
      Random random = new Random(4);
      CompletableFuture<InferenceResult> first = batcher.submit(Map.of("input", sample(
          Tensors.random(random, 1, 16)[0])));
      assertTrue(inFirstRun.await(30, TimeUnit.SECONDS));
      int n = 8;
      CountDownLatch completed = new CountDownLatch(n);
      List<float[]> inputs = new ArrayList<>();
      List<float[]> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        float[] values = Tensors.random(random, 1, 16)[0];
        inputs.add(values);
        results.add(null);
        int index = i;
        batcher.submit(Map.of("input", sample(values))).whenComplete((outputs, error) -> {
          if (outputs != null) {
            try (outputs) {
              results.set(index, Tensors.read(outputs.get("output")));
            }
          }
          completed.countDown();
        });
      }
      release.countDown();
      assertTrue(completed.await(30, TimeUnit.SECONDS), "futures left incomplete: " + completed.getCount());
      for (int i = 0; i < n; i++) {
        assertArrayEquals(MLP.predict(inputs.get(i)), results.get(i), 1e-5f, "sample " + i);
      }
      first.get(30, TimeUnit.SECONDS).close();
    }
    assertEquals(Map.of(1, 1L, 8, 1L), session.metrics().batchSizes());
  }

  @Test
  void shouldFailFastWithAClearErrorWhenTheQueueIsFull() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch inFirstRun = new CountDownLatch(1);
    session.addMetricsListener(blockFirstRun(inFirstRun, release));
    try (BatchingSession batcher = BatchingSession.start(session, BatchingOptions.newBuilder()
        .maxBatchSize(4).queueCapacity(2).build())) {
      CompletableFuture<InferenceResult> running = batcher.submit(Map.of("input", sample(new float[16])));
      assertTrue(inFirstRun.await(30, TimeUnit.SECONDS));
      CompletableFuture<InferenceResult> a = batcher.submit(Map.of("input", sample(new float[16])));
      CompletableFuture<InferenceResult> b = batcher.submit(Map.of("input", sample(new float[16])));
      QueueFullException full = assertThrows(QueueFullException.class,
          () -> batcher.submit(Map.of("input", sample(new float[16]))));
      assertEquals("model mlp.onnx: batching queue is full (capacity 2); retry later or enable blockWhenFull",
          full.getMessage());
      release.countDown();
      for (CompletableFuture<InferenceResult> f : List.of(running, a, b)) {
        f.get(30, TimeUnit.SECONDS).close();
      }
    }
  }

  @Test
  void shouldBlockInsteadWhenToldTo() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch inFirstRun = new CountDownLatch(1);
    session.addMetricsListener(blockFirstRun(inFirstRun, release));
    ExecutorService producer = Executors.newSingleThreadExecutor();
    try (BatchingSession batcher = BatchingSession.start(session, BatchingOptions.newBuilder()
        .maxBatchSize(4).queueCapacity(1).blockWhenFull(true).build())) {
      List<CompletableFuture<InferenceResult>> futures = new ArrayList<>();
      futures.add(batcher.submit(Map.of("input", sample(new float[16]))));
      assertTrue(inFirstRun.await(30, TimeUnit.SECONDS));
      futures.add(batcher.submit(Map.of("input", sample(new float[16])))); // fills the queue
      TensorBuffer third = sample(new float[16]);
      Future<CompletableFuture<InferenceResult>> blocked =
          producer.submit(() -> batcher.submit(Map.of("input", third)));
      // The producer parks inside submit while the queue is full.
      Thread.State state;
      do {
        state = producerState(producer);
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      } while (state != Thread.State.WAITING && !blocked.isDone());
      assertFalse(blocked.isDone());
      release.countDown();
      futures.add(blocked.get(30, TimeUnit.SECONDS));
      for (CompletableFuture<InferenceResult> f : futures) {
        f.get(30, TimeUnit.SECONDS).close();
      }
    } finally {
      producer.shutdownNow();
    }
  }

  private static Thread.State producerState(ExecutorService producer) throws Exception {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      for (StackTraceElement e : t.getStackTrace()) {
        if (e.getMethodName().equals("enqueue") && e.getClassName().endsWith("MicroBatcher")) {
          return t.getState();
        }
      }
    }
    return Thread.State.RUNNABLE;
  }

  @Test
  void shouldRejectAModelWithoutADynamicBatchDimension() {
    try (InferenceSession fixed = InferenceSession.open(ModelSource.ofBytes("fixed.onnx",
        TestModels.fixedBatch().bytes()))) {
      InferenceException e = assertThrows(InferenceException.class,
          () -> BatchingSession.start(fixed, BatchingOptions.newBuilder().build()));
      assertEquals("model fixed.onnx: cannot batch, input \"input\" has no dynamic batch dimension: [1, 4]",
          e.getMessage());
    }
  }

  @Test
  void shouldRejectSamplesThatDoNotMatchTheModel() {
    try (BatchingSession batcher = BatchingSession.start(session, BatchingOptions.newBuilder().build())) {
      InferenceException shape = assertThrows(InferenceException.class,
          () -> batcher.submit(Map.of("input", sample(new float[15]))));
      assertEquals("model mlp.onnx: input \"input\": expected one sample of FLOAT32 [16] (or [1, ...]), "
          + "given FLOAT32 [15]", shape.getMessage());
      assertEquals(java.util.Optional.of("input"), shape.tensorName());
      assertEquals(java.util.Optional.of("one sample of FLOAT32 [16] (or [1, ...])"), shape.expected());
      assertEquals(java.util.Optional.of("FLOAT32 [15]"), shape.found());
      TensorBuffer batchOfTwo = track(TensorBuffer.allocate(ElementType.FLOAT32, 2, 16));
      assertThrows(InferenceException.class, () -> batcher.submit(Map.of("input", batchOfTwo)));
      InferenceException missing = assertThrows(InferenceException.class, () -> batcher.submit(Map.of()));
      assertEquals("model mlp.onnx: input \"input\" missing: expected one sample of FLOAT32 [16], "
          + "given inputs []", missing.getMessage());
      TensorBuffer withBatchDim = track(TensorBuffer.allocate(ElementType.FLOAT32, 1, 16));
      CompletableFuture<InferenceResult> ok = batcher.submit(Map.of("input", withBatchDim));
      ok.join().close();
    }
  }

  @Test
  void shouldRunQueuedSamplesOnCloseAndRefuseLaterOnes() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch inFirstRun = new CountDownLatch(1);
    session.addMetricsListener(blockFirstRun(inFirstRun, release));
    BatchingSession batcher = BatchingSession.start(session, BatchingOptions.newBuilder().build());
    CompletableFuture<InferenceResult> first = batcher.submit(Map.of("input", sample(new float[16])));
    assertTrue(inFirstRun.await(30, TimeUnit.SECONDS));
    CompletableFuture<InferenceResult> queued = batcher.submit(Map.of("input", sample(new float[16])));
    ExecutorService closer = Executors.newSingleThreadExecutor();
    try {
      Future<?> closing = closer.submit(batcher::close);
      release.countDown();
      closing.get(30, TimeUnit.SECONDS);
    } finally {
      closer.shutdownNow();
    }
    first.get(1, TimeUnit.SECONDS).close();
    queued.get(1, TimeUnit.SECONDS).close();
    InferenceException e = assertThrows(InferenceException.class,
        () -> batcher.submit(Map.of("input", sample(new float[16]))));
    assertEquals("model mlp.onnx: batching session is closed", e.getMessage());
  }

  @Test
  void shouldFailEverySampleOfABatchWhoseRunFails() throws Exception {
    BatchingSession batcher = BatchingSession.start(session, BatchingOptions.newBuilder().build());
    try {
      session.close(); // the batch run now fails
      CompletableFuture<InferenceResult> f = batcher.submit(Map.of("input", sample(new float[16])));
      ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
      assertInstanceOf(InferenceException.class, e.getCause());
      assertEquals("model mlp.onnx: session is closed", e.getCause().getMessage());
    } finally {
      batcher.close();
    }
  }

  /** A listener that parks the batching worker inside its first run until {@code release} opens. */
  private static MetricsListener blockFirstRun(CountDownLatch inFirstRun, CountDownLatch release) {
    return (model, provider, batchSize, latencyNanos) -> {
      if (inFirstRun.getCount() > 0) {
        inFirstRun.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }
}
