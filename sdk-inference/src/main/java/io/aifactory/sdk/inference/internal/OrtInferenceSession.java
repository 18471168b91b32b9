package io.aifactory.sdk.inference.internal;

import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.inference.InferenceOptions;
import io.aifactory.sdk.inference.InferenceResult;
import io.aifactory.sdk.inference.InferenceSession;
import io.aifactory.sdk.inference.MetricsListener;
import io.aifactory.sdk.inference.ModelDescription;
import io.aifactory.sdk.inference.ModelMetadata;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.ProviderSelection;
import io.aifactory.sdk.inference.SessionBinding;
import io.aifactory.sdk.inference.SessionMetrics;
import io.aifactory.sdk.inference.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link InferenceSession} on ONNX Runtime.
 *
 * <p>Lifecycle: every run holds the read side of a lock; {@link #close()} takes the write side, so it waits
 * for runs in flight before the native session is freed (ONNX Runtime does not survive a close during a
 * run). Every native wrapper a run creates is closed in a {@code finally}, so nothing leaks when it throws.
 * Metrics listeners are told after a run has left the lock, so a listener may close the session.
 */
public final class OrtInferenceSession implements InferenceSession {
  private static final Logger LOG = LoggerFactory.getLogger(OrtInferenceSession.class);

  private final OrtEnvironment env;
  private final OrtSession session;
  private final String name;
  private final ModelDescription description;
  private final ProviderSelection selection;
  /** Replaced once after warm-up, so that warm-up runs are not counted; listeners come after open. */
  private volatile MetricsRecorder metrics;
  private final Map<String, TensorSpec> inputSpecs = new LinkedHashMap<>();
  private final Map<String, TensorSpec> outputSpecs = new LinkedHashMap<>();
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final Set<Binding> bindings = ConcurrentHashMap.newKeySet();
  private final WrapperCache wrappers;
  /** For each named dynamic dimension of an input: which input and axis give its size in a run. */
  private final Map<String, DimSource> dimSources = new java.util.HashMap<>();
  /** Every named dynamic input dimension but the first of its name, which must match that first one. */
  private final List<DimCheck> sharedDims = new ArrayList<>();
  /** Outputs a TensorBuffer cannot hold (sequences, maps, unsupported element types), and those it can. */
  private final List<String> foreignOutputs = new ArrayList<>();
  private final List<String> tensorOutputs = new ArrayList<>();
  /** Per output, the name of each dimension an input decides, else null. */
  private final Map<String, String[]> outputDimNames = new java.util.HashMap<>();
  private volatile boolean closed;
  /** Guarded by the write lock. */
  private boolean released;

  private OrtInferenceSession(OrtEnvironment env, OrtSession session, String name, ModelDescription description,
      ProviderSelection selection) {
    this.env = env;
    this.session = session;
    this.name = name;
    this.description = description;
    this.selection = selection;
    this.metrics = new MetricsRecorder(name, selection.active());
    this.wrappers = new WrapperCache(env);
    description.inputs().forEach(t -> inputSpecs.put(t.name(), t));
    description.outputs().forEach(t -> outputSpecs.put(t.name(), t));
    for (TensorSpec in : description.inputs()) {
      String[] names = in.dimensionNames();
      for (int axis = 0; axis < names.length; axis++) {
        if (in.isDynamic(axis) && !names[axis].isEmpty()) {
          DimSource first = dimSources.putIfAbsent(names[axis], new DimSource(in.name(), axis));
          if (first != null) {
            sharedDims.add(new DimCheck(in.name(), axis, names[axis], first));
          }
        }
      }
    }
    for (TensorSpec out : description.outputs()) {
      (out.elementType() == null ? foreignOutputs : tensorOutputs).add(out.name());
      String[] names = out.dimensionNames();
      String[] sourced = new String[names.length];
      for (int axis = 0; axis < names.length; axis++) {
        sourced[axis] = out.isDynamic(axis) && dimSources.containsKey(names[axis]) ? names[axis] : null;
      }
      outputDimNames.put(out.name(), sourced);
    }
  }

  public static OrtInferenceSession open(ModelSource source, InferenceOptions options) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(options, "options");
    String name = source.name();
    // A file is opened from its path, not its bytes: ONNX Runtime finds external data (weights in files beside
    // the model, as exporters write large models) relative to the model's own folder, and only knows that folder
    // when it is given the path. The file is hashed by streaming, so that a model over 2 GB loads at all.
    ModelFile file = source.path().map(path -> ModelFile.read(path, name, source.sha256())).orElse(null);
    byte[] bytes = file == null ? source.load() : null;
    ProviderSelector.Loader loader = file != null
        ? (e, so) -> e.createSession(file.path.toString(), so)
        : (e, so) -> e.createSession(bytes, so);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    ProviderSelector.Opened opened = ProviderSelector.open(env, loader, name, options);
    OrtInferenceSession result = null;
    try {
      if (file != null) {
        file.checkUnchanged(name); // ONNX Runtime has read the model by now: it ran the bytes that were hashed
      }
      ModelDescription description = file != null
          ? describe(opened.session, name, file.sha256, file.header)
          : describe(opened.session, name, ModelSource.sha256Hex(bytes), ModelHeader.read(bytes));
      result = new OrtInferenceSession(env, opened.session, name, description, opened.selection);
      result.warmUp(options.warmUpRuns());
      result.metrics = new MetricsRecorder(name, opened.selection.active());
      return result;
    } catch (OrtException e) {
      closeQuietly(opened.session);
      throw new InferenceException("model " + name + ": cannot describe inputs and outputs: "
          + ProviderSelector.reason(e), e);
    } catch (RuntimeException e) {
      if (result != null) {
        result.close(); // also frees wrappers the warm-up created
      } else {
        closeQuietly(opened.session);
      }
      throw e;
    }
  }

  private static ModelDescription describe(OrtSession session, String name, String sha256, ModelHeader header)
      throws OrtException {
    List<TensorSpec> inputs = new ArrayList<>();
    session.getInputInfo().values().forEach(n -> inputs.add(OrtTypes.spec(n)));
    List<TensorSpec> outputs = new ArrayList<>();
    session.getOutputInfo().values().forEach(n -> outputs.add(OrtTypes.spec(n)));
    OnnxModelMetadata m = session.getMetadata();
    ModelMetadata metadata = new ModelMetadata(nz(m.getProducerName()), header.producerVersion, nz(m.getDomain()),
        nz(m.getDescription()), nz(m.getGraphName()), header.modelVersion, header.irVersion, header.opsetVersion,
        m.getCustomMetadata());
    return new ModelDescription(name, sha256, inputs, outputs, metadata);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private void warmUp(int runs) {
    if (runs == 0) {
      return;
    }
    if (!foreignOutputs.isEmpty()) {
      LOG.warn("model {}: no warm-up, output {} is not a tensor the SDK can hold", name, foreignOutputs.get(0));
      return;
    }
    Map<String, TensorBuffer> zeros = new LinkedHashMap<>();
    try {
      for (TensorSpec spec : description.inputs()) {
        if (spec.elementType() == null) {
          LOG.warn("model {}: no warm-up, input {} has type {}", name, spec.name(), spec.onnxType());
          return;
        }
        long[] shape = spec.shape();
        for (int i = 0; i < shape.length; i++) {
          shape[i] = shape[i] < 0 ? 1 : shape[i];
        }
        zeros.put(spec.name(), TensorBuffer.allocate(spec.elementType(), shape));
      }
      for (int i = 0; i < runs; i++) {
        run(zeros).close();
      }
    } catch (InferenceException e) {
      // Zeros with every dynamic dimension 1 are a guess; a valid model may reject them (a convolution over
      // a dynamic time axis wider than 1). The first real run warms up instead.
      LOG.warn("model {}: warm-up with zeros of every dynamic dimension 1 failed, skipped: {}", name,
          e.getMessage());
    } finally {
      zeros.values().forEach(TensorBuffer::close);
    }
  }

  @Override
  public ModelDescription description() {
    return description;
  }

  @Override
  public ProviderSelection providers() {
    return selection;
  }

  @Override
  public void run(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs) {
    if (outputs.isEmpty()) {
      throw new InferenceException("model " + name + ": no outputs given; the model's outputs are "
          + outputSpecs.keySet());
    }
    enter();
    long start = System.nanoTime();
    int batch = 0;
    long nanos;
    try {
      batch = checkInputs(inputs);
      checkOutputs(outputs, inputs);
      Map<String, OnnxTensor> in = new java.util.HashMap<>();
      Map<String, OnnxTensor> out = new java.util.HashMap<>();
      List<OnnxTensor> own = new ArrayList<>(0); // wrappers for this run alone, should the cache be closed
      List<WrapperCache.Entry> used = new ArrayList<>(inputs.size() + outputs.size());
      try {
        for (Map.Entry<String, TensorBuffer> e : inputs.entrySet()) {
          in.put(e.getKey(), wrapper(e.getValue(), own, used));
        }
        for (Map.Entry<String, TensorBuffer> e : outputs.entrySet()) {
          out.put(e.getKey(), wrapper(e.getValue(), own, used));
        }
        session.run(in, out).close();
      } finally {
        wrappers.release(used);
        own.forEach(OnnxTensor::close);
      }
      nanos = System.nanoTime() - start;
    } catch (OrtException e) {
      throw failed(runFailed(e));
    } catch (RuntimeException e) {
      throw failed(e);
    } catch (Error e) {
      throw failed(e);
    }
    succeeded(batch, nanos);
  }

  @Override
  public InferenceResult run(Map<String, TensorBuffer> inputs) {
    if (!foreignOutputs.isEmpty()) {
      // Fail before running rather than after: every output of this method must become a TensorBuffer.
      TensorSpec spec = outputSpecs.get(foreignOutputs.get(0));
      throw new InferenceException("model " + name + ": output \"" + spec.name() + "\" has type " + spec.onnxType()
          + ", which a TensorBuffer cannot hold; use run(inputs, outputs) with the outputs you need of "
          + tensorOutputs, spec.name(), spec.onnxType(), null);
    }
    enter();
    long start = System.nanoTime();
    Map<String, TensorBuffer> results = new LinkedHashMap<>();
    int batch;
    long nanos;
    try {
      batch = checkInputs(inputs);
      // Outputs whose shape the inputs decide are allocated up front and pinned; the rest (dims only the
      // model knows) are allocated by ONNX Runtime and copied once.
      Map<String, OnnxTensor> in = new LinkedHashMap<>();
      Map<String, OnnxTensor> pinned = new LinkedHashMap<>();
      List<OnnxTensor> own = new ArrayList<>();
      List<WrapperCache.Entry> used = new ArrayList<>(inputs.size());
      try {
        for (Map.Entry<String, TensorBuffer> e : inputs.entrySet()) {
          in.put(e.getKey(), wrapper(e.getValue(), own, used));
        }
        Set<String> requested = new java.util.LinkedHashSet<>();
        for (TensorSpec spec : description.outputs()) {
          long[] shape = resolve(spec, inputs);
          if (shape != null && spec.elementType() != null) {
            TensorBuffer buffer = TensorBuffer.allocate(spec.elementType(), shape);
            results.put(spec.name(), buffer);
            pinned.put(spec.name(), OrtTypes.wrap(env, buffer));
          } else {
            requested.add(spec.name());
          }
        }
        try (OrtSession.Result result = session.run(in, requested, pinned)) {
          for (String output : requested) {
            OnnxValue value = result.get(output).orElseThrow();
            results.put(output, copyOut(output, value));
          }
        }
      } finally {
        wrappers.release(used);
        own.forEach(OnnxTensor::close);
        pinned.values().forEach(OnnxTensor::close);
      }
      nanos = System.nanoTime() - start;
    } catch (OrtException e) {
      results.values().forEach(TensorBuffer::close);
      throw failed(runFailed(e));
    } catch (RuntimeException e) {
      results.values().forEach(TensorBuffer::close);
      throw failed(e);
    } catch (Error e) {
      results.values().forEach(TensorBuffer::close);
      throw failed(e);
    }
    succeeded(batch, nanos);
    Map<String, TensorBuffer> ordered = new LinkedHashMap<>();
    for (TensorSpec spec : description.outputs()) {
      ordered.put(spec.name(), results.get(spec.name()));
    }
    return InferenceResult.owning(name, ordered);
  }

  /**
   * Returns the cached wrapper of {@code tensor} (its entry added to {@code used}, for the caller to release),
   * or a new one added to {@code own} for the caller to free.
   */
  private OnnxTensor wrapper(TensorBuffer tensor, List<OnnxTensor> own, List<WrapperCache.Entry> used)
      throws OrtException {
    OnnxTensor cached = wrappers.get(tensor, used);
    if (cached != null) {
      return cached;
    }
    OnnxTensor wrapper = OrtTypes.wrap(env, tensor);
    own.add(wrapper);
    return wrapper;
  }

  private TensorBuffer copyOut(String output, OnnxValue value) {
    if (!(value instanceof OnnxTensor)) {
      throw new InferenceException("model " + name + ": output " + output + " is a " + value.getType()
          + ", not a tensor");
    }
    OnnxTensor tensor = (OnnxTensor) value;
    TensorSpec spec = outputSpecs.get(output);
    if (spec.elementType() == null) {
      throw new InferenceException("model " + name + ": output " + output + " has type " + spec.onnxType()
          + ", which a TensorBuffer cannot hold");
    }
    TensorBuffer buffer = TensorBuffer.allocate(spec.elementType(), tensor.getInfo().getShape());
    ByteBuffer data = tensor.getByteBuffer().order(ByteOrder.nativeOrder());
    buffer.asByteBuffer().put(data);
    return buffer;
  }

  @Override
  public void check(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs) {
    if (outputs.isEmpty()) {
      throw new InferenceException("model " + name + ": no outputs given; the model's outputs are "
          + outputSpecs.keySet());
    }
    enter();
    try {
      checkInputs(inputs);
      checkOutputs(outputs, inputs);
    } finally {
      exit();
    }
  }

  @Override
  public SessionBinding bind(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs) {
    if (outputs.isEmpty()) {
      throw new InferenceException("model " + name + ": no outputs given; the model's outputs are "
          + outputSpecs.keySet());
    }
    enter();
    try {
      int batch = checkInputs(inputs);
      checkOutputs(outputs, inputs);
      Binding binding = new Binding(batch);
      try {
        for (Map.Entry<String, TensorBuffer> e : inputs.entrySet()) {
          binding.add(binding.inputs, e.getKey(), e.getValue());
        }
        for (Map.Entry<String, TensorBuffer> e : outputs.entrySet()) {
          binding.add(binding.outputs, e.getKey(), e.getValue());
        }
      } catch (OrtException e) {
        binding.close();
        throw new InferenceException("model " + name + ": cannot bind tensors: " + ProviderSelector.reason(e), e);
      }
      bindings.add(binding);
      return binding;
    } finally {
      exit();
    }
  }

  @Override
  public SessionMetrics metrics() {
    return metrics.snapshot();
  }

  @Override
  public void addMetricsListener(MetricsListener listener) {
    metrics.addListener(listener);
  }

  @Override
  public void removeMetricsListener(MetricsListener listener) {
    metrics.removeListener(listener);
  }

  @Override
  public void close() {
    if (lifecycle.getReadHoldCount() > 0) {
      // This thread is inside a run of this session: waiting for runs to drain would wait for itself.
      throw new IllegalStateException("model " + name + ": close() called from inside a run of this session");
    }
    closed = true; // refuse new runs at once, while the runs in flight drain
    lifecycle.writeLock().lock();
    try {
      // Concurrent close() calls all wait here; only the first frees (ONNX Runtime throws on a second close).
      if (released) {
        return;
      }
      released = true;
      for (Binding binding : bindings) {
        binding.closeWrappers();
      }
      bindings.clear();
      wrappers.close();
      closeQuietly(session);
      LOG.debug("model {}: session closed", name);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  /**
   * Returns how many ONNX Runtime wrappers the session's cache has created for the tensors passed to
   * {@link #run(Map, Map)}: a loop that reuses its tensors, or views of the same rows, stops adding to it. For tests and
   * diagnostics; not part of the API.
   */
  public long wrappersCreated() {
    return wrappers.createdCount();
  }

  /** Returns how many wrappers the session's cache holds; for tests and diagnostics, not part of the API. */
  public int wrappersCached() {
    return wrappers.size();
  }

  @Override
  public String toString() {
    return "InferenceSession[" + name + " on " + selection.active() + (closed ? ", closed" : "") + "]";
  }

  // ------------------------------------------------------------------------------------- checks

  private void enter() {
    lifecycle.readLock().lock();
    if (closed) {
      lifecycle.readLock().unlock();
      throw new InferenceException("model " + name + ": session is closed");
    }
  }

  private void exit() {
    lifecycle.readLock().unlock();
  }

  /**
   * Ends a run that succeeded: counts it while still inside the lock (so a count read after close is final),
   * then tells listeners outside it, so that a listener may close the session.
   */
  private void succeeded(int batch, long nanos) {
    MetricsRecorder recorder = metrics;
    recorder.success(batch, nanos);
    exit();
    recorder.notifySuccess(batch, nanos);
  }

  /** Ends a run that failed, as {@link #succeeded}; returns {@code e} to throw. */
  private <T extends Throwable> T failed(T e) {
    MetricsRecorder recorder = metrics;
    RuntimeException error = e instanceof RuntimeException ? (RuntimeException) e : null;
    if (error != null) {
      recorder.failure(error);
    }
    exit();
    if (error != null) {
      recorder.notifyFailure(error);
    }
    return e;
  }

  private InferenceException runFailed(OrtException e) {
    return new InferenceException("model " + name + ": run failed: " + ProviderSelector.reason(e), e);
  }

  /** Checks every input against the model; returns the batch size (first dim if dynamic, else 1). */
  private int checkInputs(Map<String, TensorBuffer> inputs) {
    for (String given : inputs.keySet()) {
      if (!inputSpecs.containsKey(given)) {
        throw new InferenceException("model " + name + ": unknown input \"" + given + "\"; the model's inputs are "
            + inputSpecs.keySet(), given, null, null);
      }
    }
    int batch = 1;
    boolean first = true;
    for (TensorSpec spec : inputSpecs.values()) {
      TensorBuffer tensor = inputs.get(spec.name());
      if (tensor == null) {
        throw new InferenceException("model " + name + ": input \"" + spec.name() + "\" missing: expected "
            + expected(spec) + ", given inputs " + inputs.keySet(), spec.name(), expected(spec), null);
      }
      check("input", spec, tensor, inputs);
      if (first && spec.hasDynamicBatch()) {
        batch = tensor.dim(0);
      }
      first = false;
    }
    // Inputs that share a named dimension must agree on its size, or ONNX Runtime may broadcast silently.
    for (int i = 0; i < sharedDims.size(); i++) {
      DimCheck c = sharedDims.get(i);
      int size = inputs.get(c.input).dim(c.axis);
      int expected = inputs.get(c.source.input).dim(c.source.axis);
      if (size != expected) {
        throw new InferenceException("model " + name + ": input \"" + c.input + "\" dim " + c.axis + " (" + c.name
            + ") = " + size + ", but input \"" + c.source.input + "\" gave " + c.name + " = " + expected,
            c.input, c.name + " = " + expected, c.name + " = " + size);
      }
    }
    return batch;
  }

  private void checkOutputs(Map<String, TensorBuffer> outputs, Map<String, TensorBuffer> inputs) {
    for (Map.Entry<String, TensorBuffer> e : outputs.entrySet()) {
      TensorSpec spec = outputSpecs.get(e.getKey());
      if (spec == null) {
        throw new InferenceException("model " + name + ": unknown output \"" + e.getKey()
            + "\"; the model's outputs are " + outputSpecs.keySet(), e.getKey(), null, null);
      }
      check("output", spec, e.getValue(), inputs);
    }
  }

  private void check(String role, TensorSpec spec, TensorBuffer tensor, Map<String, TensorBuffer> inputs) {
    if (tensor == null) {
      throw new InferenceException("model " + name + ": " + role + " \"" + spec.name() + "\" is null", spec.name(),
          expected(spec), null);
    }
    if (spec.elementType() == null) {
      throw new InferenceException("model " + name + ": " + role + " \"" + spec.name() + "\" has type "
          + spec.onnxType() + ", which a TensorBuffer cannot hold", spec.name(), spec.onnxType(), null);
    }
    if (tensor.isClosed()) {
      throw mismatch(role, spec, tensor, "");
    }
    if (spec.elementType() != tensor.elementType() || spec.rank() != tensor.rank()) {
      throw mismatch(role, spec, tensor, "");
    }
    for (int i = 0; i < spec.rank(); i++) {
      long expected = spec.dim(i);
      if (expected >= 0 && expected != tensor.dim(i)) {
        throw mismatch(role, spec, tensor, "");
      }
      if (expected < 0 && "output".equals(role)) {
        String dimName = outputDimNames.get(spec.name())[i];
        long fromInputs = dimName == null ? -1 : dimFromInputs(dimName, inputs);
        if (fromInputs >= 0 && fromInputs != tensor.dim(i)) {
          throw mismatch(role, spec, tensor, " with " + dimName + "=" + fromInputs + " from the inputs");
        }
      }
    }
  }

  /** Returns the size the inputs give a named dynamic dimension, or -1 if none does. */
  private long dimFromInputs(String dimName, Map<String, TensorBuffer> inputs) {
    DimSource source = dimSources.get(dimName);
    if (source == null) {
      return -1;
    }
    TensorBuffer given = inputs.get(source.input);
    return given != null && given.rank() > source.axis ? given.dim(source.axis) : -1;
  }

  private static final class DimCheck {
    final String input;
    final int axis;
    final String name;
    final DimSource source;

    DimCheck(String input, int axis, String name, DimSource source) {
      this.input = input;
      this.axis = axis;
      this.name = name;
      this.source = source;
    }
  }

  private static final class DimSource {
    final String input;
    final int axis;

    DimSource(String input, int axis) {
      this.input = input;
      this.axis = axis;
    }
  }

  /** Returns the output's concrete shape if the inputs decide every dynamic dimension, else null. */
  private long[] resolve(TensorSpec spec, Map<String, TensorBuffer> inputs) {
    long[] shape = spec.shape();
    String[] names = spec.dimensionNames();
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        shape[i] = dimFromInputs(names[i], inputs);
        if (shape[i] < 0) {
          return null;
        }
      }
    }
    return shape;
  }

  private InferenceException mismatch(String role, TensorSpec spec, TensorBuffer given, String detail) {
    String expected = expected(spec) + detail;
    String found = describe(given);
    return new InferenceException("model " + name + ": " + role + " \"" + spec.name() + "\": expected " + expected
        + ", given " + found, spec.name(), expected, found);
  }

  private static String expected(TensorSpec spec) {
    return (spec.elementType() != null ? spec.elementType().toString() : spec.onnxType()) + " "
        + spec.shapeString();
  }

  private static String describe(TensorBuffer tensor) {
    if (tensor.isClosed()) {
      return "a closed tensor " + tensor;
    }
    return tensor.elementType() + " " + Arrays.toString(tensor.shape());
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      LOG.warn("closing ONNX Runtime session failed", e);
    }
  }

  // ------------------------------------------------------------------------------------- binding

  private final class Binding implements SessionBinding {
    final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
    final Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
    final List<TensorBuffer> tensors = new ArrayList<>();
    final int batch;
    private final java.util.concurrent.locks.ReentrantLock runLock = new java.util.concurrent.locks.ReentrantLock();
    private volatile boolean bindingClosed;

    Binding(int batch) {
      this.batch = batch;
    }

    void add(Map<String, OnnxTensor> to, String key, TensorBuffer tensor) throws OrtException {
      to.put(key, OrtTypes.wrap(env, tensor));
      tensors.add(tensor);
    }

    @Override
    public void run() {
      // Runs of one binding are serialised by runLock, not by this object's monitor: session.close() takes
      // the monitor (closeWrappers) while holding the write lock, and a run holding the monitor while it
      // waits for the read lock would deadlock with it.
      runLock.lock();
      try {
        if (bindingClosed) {
          throw new InferenceException("model " + name + ": binding is closed");
        }
        enter();
        long start = System.nanoTime();
        long nanos;
        try {
          for (int i = 0; i < tensors.size(); i++) {
            if (tensors.get(i).isClosed()) {
              throw new InferenceException("model " + name + ": a bound tensor was closed: " + tensors.get(i));
            }
          }
          session.run(inputs, outputs).close();
          nanos = System.nanoTime() - start;
        } catch (OrtException e) {
          throw failed(runFailed(e));
        } catch (RuntimeException e) {
          throw failed(e);
        } catch (Error e) {
          throw failed(e);
        }
        succeeded(batch, nanos);
      } finally {
        runLock.unlock();
      }
    }

    @Override
    public void close() {
      runLock.lock();
      try {
        bindings.remove(this);
        closeWrappers();
      } finally {
        runLock.unlock();
      }
    }

    synchronized void closeWrappers() {
      if (bindingClosed) {
        return;
      }
      bindingClosed = true;
      inputs.values().forEach(OnnxTensor::close);
      outputs.values().forEach(OnnxTensor::close);
    }
  }
}
