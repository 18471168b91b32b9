package io.aifactory.sdk.inference.internal;

import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.inference.BatchingOptions;
import io.aifactory.sdk.inference.BatchingSession;
import io.aifactory.sdk.inference.InferenceResult;
import io.aifactory.sdk.inference.InferenceSession;
import io.aifactory.sdk.inference.QueueFullException;
import io.aifactory.sdk.inference.SessionBinding;
import io.aifactory.sdk.inference.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BatchingSession} with one worker thread and batch tensors allocated once at
 * {@code [maxBatchSize, ...]}: each batch copies its samples into rows of the batch input, runs the session
 * on views of the first {@code n} rows, copies each row of the outputs back to its producer, then completes
 * the producers' futures.
 */
public final class MicroBatcher implements BatchingSession {
  private static final Logger LOG = LoggerFactory.getLogger(MicroBatcher.class);
  /** How long an idle worker sleeps before it looks again; producers wake it sooner. */
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final InferenceSession session;
  private final String name;
  private final BatchingOptions options;
  private final List<TensorSpec> inputSpecs;
  private final List<TensorSpec> outputSpecs;
  private final java.util.Set<String> inputNames = new java.util.LinkedHashSet<>();
  private final java.util.Set<String> outputNames = new java.util.LinkedHashSet<>();
  private final TensorBuffer[] batchInputs;
  private final TensorBuffer[] batchOutputs;
  private final Queue<Request> queue = new ConcurrentLinkedQueue<>();
  /** Free places in the queue: producers take one, the worker gives it back when it takes the sample. */
  private final Semaphore room;
  private final AtomicInteger queued = new AtomicInteger();
  private volatile Thread workerThread;
  private volatile boolean workerParked;
  /** Samples in the batch the worker is gathering, so a producer knows when its sample completes it. */
  private volatile int gathered;
  /** Worker-thread only. */
  private final SessionBinding[] bindingsBySize;
  private final ExecutorService worker;
  private volatile boolean closing;

  private MicroBatcher(InferenceSession session, BatchingOptions options) {
    this.session = session;
    this.name = session.description().source();
    this.options = options;
    this.inputSpecs = session.description().inputs();
    this.outputSpecs = session.description().outputs();
    inputSpecs.forEach(t -> inputNames.add(t.name()));
    outputSpecs.forEach(t -> outputNames.add(t.name()));
    checkBatchable("input", inputSpecs);
    checkBatchable("output", outputSpecs);
    this.batchInputs = allocate(inputSpecs, options.maxBatchSize());
    this.batchOutputs = allocate(outputSpecs, options.maxBatchSize());
    this.room = new Semaphore(options.queueCapacity());
    this.bindingsBySize = new SessionBinding[options.maxBatchSize() + 1];
    this.worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "aifactory-batcher-" + name);
      t.setDaemon(true);
      return t;
    });
  }

  public static MicroBatcher start(InferenceSession session, BatchingOptions options) {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(options, "options");
    MicroBatcher batcher = new MicroBatcher(session, options);
    batcher.worker.execute(batcher::loop);
    return batcher;
  }

  private void checkBatchable(String role, List<TensorSpec> specs) {
    for (TensorSpec spec : specs) {
      if (!spec.hasDynamicBatch()) {
        throw new InferenceException("model " + name + ": cannot batch, " + role + " \"" + spec.name()
            + "\" has no dynamic batch dimension: " + spec.shapeString(), spec.name(), null, null);
      }
      if (spec.elementType() == null) {
        throw new InferenceException("model " + name + ": cannot batch, " + role + " \"" + spec.name()
            + "\" has type " + spec.onnxType(), spec.name(), null, null);
      }
      for (int i = 1; i < spec.rank(); i++) {
        if (spec.isDynamic(i)) {
          throw new InferenceException("model " + name + ": cannot batch, " + role + " \"" + spec.name()
              + "\" has a dynamic dimension besides the batch: " + spec.shapeString(), spec.name(), null, null);
        }
      }
    }
  }

  private static TensorBuffer[] allocate(List<TensorSpec> specs, int maxBatch) {
    TensorBuffer[] buffers = new TensorBuffer[specs.size()];
    for (int i = 0; i < buffers.length; i++) {
      long[] shape = specs.get(i).shape();
      shape[0] = maxBatch;
      buffers[i] = TensorBuffer.allocate(specs.get(i).elementType(), shape);
    }
    return buffers;
  }

  @Override
  public CompletableFuture<InferenceResult> submit(Map<String, TensorBuffer> sample) {
    Request request = new Request(checkSample(sample), null);
    enqueue(request);
    return request.outputsFuture;
  }

  @Override
  public CompletableFuture<Void> submit(Map<String, TensorBuffer> sample, Map<String, TensorBuffer> outputs) {
    TensorBuffer[] out = new TensorBuffer[outputSpecs.size()];
    for (String given : outputs.keySet()) {
      if (!outputNames.contains(given)) {
        throw new InferenceException("model " + name + ": unknown output \"" + given + "\"; the model's outputs are "
            + outputNames, given, null, null);
      }
    }
    for (int i = 0; i < out.length; i++) {
      TensorBuffer t = outputs.get(outputSpecs.get(i).name());
      if (t != null) {
        checkOne("output", outputSpecs.get(i), t);
        out[i] = t;
      }
    }
    Request request = new Request(checkSample(sample), out);
    enqueue(request);
    return request.doneFuture;
  }

  @Override
  public int queued() {
    return queued.get();
  }

  private TensorBuffer[] checkSample(Map<String, TensorBuffer> sample) {
    for (String given : sample.keySet()) {
      if (!inputNames.contains(given)) {
        throw new InferenceException("model " + name + ": unknown input \"" + given + "\"; the model's inputs are "
            + inputNames, given, null, null);
      }
    }
    TensorBuffer[] in = new TensorBuffer[inputSpecs.size()];
    for (int i = 0; i < in.length; i++) {
      TensorSpec spec = inputSpecs.get(i);
      TensorBuffer t = sample.get(spec.name());
      if (t == null) {
        throw new InferenceException("model " + name + ": input \"" + spec.name() + "\" missing: expected one "
            + "sample of " + spec.elementType() + " " + sampleShape(spec) + ", given inputs " + sample.keySet(),
            spec.name(), "one sample of " + spec.elementType() + " " + sampleShape(spec), null);
      }
      checkOne("input", spec, t);
      in[i] = t;
    }
    return in;
  }

  /** A sample tensor has the spec's shape without the batch dimension, or with a batch dimension of 1. */
  private void checkOne(String role, TensorSpec spec, TensorBuffer t) {
    boolean ok = !t.isClosed() && t.elementType() == spec.elementType();
    if (ok) {
      int skip = t.rank() == spec.rank() ? 1 : 0;
      if (t.rank() == spec.rank() && t.dim(0) != 1 || t.rank() != spec.rank() && t.rank() != spec.rank() - 1) {
        ok = false;
      } else {
        for (int i = 1; i < spec.rank(); i++) {
          if (t.dim(i - 1 + skip) != spec.dim(i)) {
            ok = false;
          }
        }
      }
    }
    if (!ok) {
      String expected = "one sample of " + spec.elementType() + " " + sampleShape(spec) + " (or [1, ...])";
      String found = t.isClosed() ? "a closed tensor " + t : t.elementType() + " " + Arrays.toString(t.shape());
      throw new InferenceException("model " + name + ": " + role + " \"" + spec.name() + "\": expected " + expected
          + ", given " + found, spec.name(), expected, found);
    }
  }

  private static String sampleShape(TensorSpec spec) {
    return Arrays.toString(Arrays.copyOfRange(spec.shape(), 1, spec.rank()));
  }

  private void enqueue(Request request) {
    if (closing) {
      throw new InferenceException("model " + name + ": batching session is closed");
    }
    if (options.blockWhenFull()) {
      try {
        room.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InferenceException("model " + name + ": interrupted while waiting for room in the batching queue",
            e);
      }
    } else if (!room.tryAcquire()) {
      throw new QueueFullException("model " + name + ": batching queue is full (capacity "
          + options.queueCapacity() + "); retry later or enable blockWhenFull");
    }
    queue.offer(request);
    int waiting = queued.incrementAndGet();
    // Wake the worker only when it has something to do: it is idle and this is the first sample, or this
    // sample completes the batch it is gathering. Waking it per sample would cost a context switch each.
    int inBatch = gathered;
    if (waiting == 1 && inBatch == 0 || waiting + inBatch >= options.maxBatchSize()) {
      wakeWorker();
    }
    if (closing) {
      // Raced with close(): the worker may already be gone, so make sure nobody waits forever.
      failQueued();
    }
  }

  private void wakeWorker() {
    Thread t = workerThread;
    if (t != null && workerParked) {
      LockSupport.unpark(t);
    }
  }

  /** Takes the next queued sample, or null, and gives its room back. */
  private Request take() {
    Request r = queue.poll();
    if (r != null) {
      queued.decrementAndGet();
      room.release();
    }
    return r;
  }

  /** Parks the worker for at most {@code nanos}, unless a sample arrived since it last looked. */
  private void park(long nanos) {
    workerParked = true;
    if (queue.isEmpty() && !closing) {
      LockSupport.parkNanos(this, nanos);
    }
    workerParked = false;
  }

  private void loop() {
    workerThread = Thread.currentThread();
    int max = options.maxBatchSize();
    long delayNanos = options.maxQueueDelay().toNanos();
    List<Request> batch = new ArrayList<>(max);
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Request first = take();
        if (first == null) {
          if (closing) {
            return;
          }
          park(IDLE_PARK_NANOS);
          continue;
        }
        batch.add(first);
        long deadline = first.enqueuedNanos + delayNanos;
        while (batch.size() < max) {
          Request next = take();
          if (next != null) {
            batch.add(next);
            continue;
          }
          long wait = deadline - System.nanoTime();
          if (wait <= 0 || closing) {
            break;
          }
          gathered = batch.size();
          park(wait);
        }
        gathered = 0;
        execute(batch);
        batch.clear();
      }
    } catch (RuntimeException | Error e) {
      LOG.error("model {}: batching worker died", name, e);
      batch.forEach(r -> r.fail(e));
    } finally {
      failQueued();
    }
  }

  private void execute(List<Request> requests) {
    List<Request> batch = new ArrayList<>(requests.size());
    for (Request r : requests) {
      int row = batch.size();
      try {
        for (int i = 0; i < batchInputs.length; i++) {
          r.inputs[i].copyTo(batchInputs[i].at(row));
        }
        batch.add(r);
      } catch (RuntimeException e) {
        r.fail(new InferenceException("model " + name + ": cannot read sample: " + e.getMessage(), e));
      }
    }
    int n = batch.size();
    if (n == 0) {
      return;
    }
    try {
      binding(n).run();
    } catch (RuntimeException e) {
      batch.forEach(r -> r.fail(e));
      return;
    }
    // Copy every row out first, then complete the futures in one tight loop: the wake-ups of a batch's
    // producers come together instead of being spaced out by copies.
    for (int row = 0; row < n; row++) {
      batch.get(row).deliver(row);
    }
    for (int row = 0; row < n; row++) {
      batch.get(row).finish();
    }
  }

  /**
   * Returns the binding of the first {@code n} rows of the batch tensors, made on first use: each batch size
   * is checked and wrapped for ONNX Runtime once, so a steady-state batch creates no native tensor.
   */
  private SessionBinding binding(int n) {
    SessionBinding binding = bindingsBySize[n];
    if (binding == null) {
      Map<String, TensorBuffer> in = new LinkedHashMap<>();
      Map<String, TensorBuffer> out = new LinkedHashMap<>();
      for (int i = 0; i < batchInputs.length; i++) {
        in.put(inputSpecs.get(i).name(), batchInputs[i].slice(0, n));
      }
      for (int i = 0; i < batchOutputs.length; i++) {
        out.put(outputSpecs.get(i).name(), batchOutputs[i].slice(0, n));
      }
      binding = session.bind(in, out);
      bindingsBySize[n] = binding;
    }
    return binding;
  }

  private void failQueued() {
    Request r;
    while ((r = take()) != null) {
      r.fail(new InferenceException("model " + name + ": batching session closed before the sample ran"));
    }
  }

  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    LockSupport.unpark(workerThread);
    worker.shutdown();
    try {
      if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("model {}: batching worker did not stop within 30 s", name);
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      worker.shutdownNow();
      Thread.currentThread().interrupt();
    }
    failQueued();
    for (SessionBinding binding : bindingsBySize) {
      if (binding != null) {
        binding.close();
      }
    }
    for (TensorBuffer t : batchInputs) {
      t.close();
    }
    for (TensorBuffer t : batchOutputs) {
      t.close();
    }
  }

  private final class Request {
    final TensorBuffer[] inputs;
    final TensorBuffer[] outputs;
    final long enqueuedNanos = System.nanoTime();
    final CompletableFuture<InferenceResult> outputsFuture;
    final CompletableFuture<Void> doneFuture;
    private InferenceResult result;
    private Throwable failure;

    Request(TensorBuffer[] inputs, TensorBuffer[] outputs) {
      this.inputs = inputs;
      this.outputs = outputs;
      this.outputsFuture = outputs == null ? new CompletableFuture<>() : null;
      this.doneFuture = outputs == null ? null : new CompletableFuture<>();
    }

    /** Copies row {@code row} of the batch outputs out for this producer; worker thread only. */
    void deliver(int row) {
      try {
        if (outputs != null) {
          for (int i = 0; i < outputs.length; i++) {
            if (outputs[i] != null) {
              batchOutputs[i].at(row).copyTo(outputs[i]);
            }
          }
        } else {
          Map<String, TensorBuffer> copies = new LinkedHashMap<>();
          try {
            for (int i = 0; i < batchOutputs.length; i++) {
              long[] shape = outputSpecs.get(i).shape();
              shape[0] = 1;
              TensorBuffer t = TensorBuffer.allocate(outputSpecs.get(i).elementType(), shape);
              copies.put(outputSpecs.get(i).name(), t);
              batchOutputs[i].at(row).copyTo(t);
            }
          } catch (RuntimeException e) {
            copies.values().forEach(TensorBuffer::close);
            throw e;
          }
          result = InferenceResult.owning(name, copies);
        }
      } catch (RuntimeException e) {
        failure = new InferenceException("model " + name + ": cannot write outputs: " + e.getMessage(), e);
      }
    }

    /** Completes the future with what {@link #deliver} left. */
    void finish() {
      if (failure != null) {
        fail(failure);
      } else if (outputs != null) {
        doneFuture.complete(null);
      } else {
        outputsFuture.complete(result);
      }
    }

    void fail(Throwable e) {
      if (outputsFuture != null) {
        outputsFuture.completeExceptionally(e);
      } else {
        doneFuture.completeExceptionally(e);
      }
    }
  }
}
