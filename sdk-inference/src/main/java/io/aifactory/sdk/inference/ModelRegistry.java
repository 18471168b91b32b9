package io.aifactory.sdk.inference;

import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named, versioned models with atomic hot-swap, rollback, and selection by a key such as the product or
 * recipe now running on the line.
 *
 * <pre>{@code
 * try (ModelRegistry registry = ModelRegistry.create(options)) {
 *   registry.deploy("spindle-a", "3", ModelSource.ofPath(pathA));
 *   registry.deploy("spindle-b", "1", ModelSource.ofPath(pathB));
 *   registry.route("recipe-A", "spindle-a");
 *   registry.route("recipe-B", "spindle-b");
 *   try (ModelLease lease = registry.leaseFor(currentRecipe)) {
 *     lease.session().run(inputs, outputs);
 *   }
 * }
 * }</pre>
 *
 * <p>Hot swap: {@link #deploy} loads and warms the new version up before it takes traffic; leases taken
 * before the swap finish on the old version, which is closed once the last of them is released. No run
 * fails because of a swap. Deploys of one model are serialised; everything is safe to call from many threads.
 */
public final class ModelRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

  private final InferenceOptions defaultOptions;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private final Map<String, String> routes = new ConcurrentHashMap<>();
  private final List<MetricsListener> listeners = new CopyOnWriteArrayList<>();
  /** Added to every version's session: tells the registry's listeners, whatever version is active. */
  private final MetricsListener forwarder = new Forwarder();
  private volatile boolean closed;

  private ModelRegistry(InferenceOptions defaultOptions) {
    this.defaultOptions = Objects.requireNonNull(defaultOptions, "defaultOptions");
  }

  /** Returns an empty registry whose models open with {@code defaultOptions} unless a deploy says otherwise. */
  public static ModelRegistry create(InferenceOptions defaultOptions) {
    return new ModelRegistry(defaultOptions);
  }

  public static ModelRegistry create() {
    return create(InferenceOptions.defaults());
  }

  /** Deploys {@code version} of model {@code name} with the registry's default options. */
  public ModelDescription deploy(String name, String version, ModelSource source) {
    return deploy(name, version, source, defaultOptions);
  }

  /**
   * Loads and warms up {@code version} of {@code name}, then makes it the active version in one step. The
   * previous version keeps serving its open leases and is closed when they are released.
   *
   * @throws InferenceException if the new version cannot be loaded; the active version stays in place
   */
  public ModelDescription deploy(String name, String version, ModelSource source, InferenceOptions options) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(options, "options");
    checkOpen();
    Slot slot = slots.computeIfAbsent(name, Slot::new);
    synchronized (slot) {
      checkOpen(); // close() retires under the same lock: a deploy that got here first is retired by it
      Deployment next = load(name, version, source, options);
      Deployment previous = slot.current.getAndSet(next);
      if (previous != null) {
        slot.history.push(previous.release);
        previous.retire();
      }
      LOG.info("model {}: version {} active{}", name, version,
          previous == null ? "" : " (was " + previous.release.version + ")");
      return next.session.description();
    }
  }

  /**
   * Makes the version before the active one active again, reloading it from its source. The source is pinned
   * to the SHA-256 of the bytes that version was deployed with, so a file overwritten since (say by the next
   * deploy to the same path) fails the rollback instead of loading a different model under the old version.
   *
   * @throws InferenceException if there is no previous version, or it cannot be loaded, or its bytes have
   *     changed; the active version stays in place
   */
  public ModelDescription rollback(String name) {
    checkOpen();
    Slot slot = slot(name);
    synchronized (slot) {
      checkOpen();
      Release previous = slot.history.peek();
      Deployment active = slot.current.get();
      if (previous == null) {
        throw new InferenceException("model " + name + ": no previous version to roll back to (active "
            + (active == null ? "none" : active.release.version) + ")");
      }
      Deployment restored;
      try {
        restored = load(name, previous);
      } catch (InferenceException e) {
        throw new InferenceException("model " + name + ": cannot roll back to version " + previous.version
            + " (active stays " + (active == null ? "none" : active.release.version) + "): " + e.getMessage(), e);
      }
      slot.history.pop();
      Deployment replaced = slot.current.getAndSet(restored);
      if (replaced != null) {
        replaced.retire();
      }
      LOG.info("model {}: rolled back to version {}{}", name, previous.version,
          replaced == null ? "" : " (was " + replaced.release.version + ")");
      return restored.session.description();
    }
  }

  /** Routes {@code key} (a product, recipe or line state) to the model {@code name}. */
  public void route(String key, String name) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(name, "name");
    routes.put(key, name);
  }

  /**
   * Returns a lease on the active version of {@code name}.
   *
   * @throws InferenceException if no such model is deployed
   */
  public ModelLease lease(String name) {
    checkOpen();
    Slot slot = slot(name);
    while (true) {
      Deployment d = slot.current.get();
      if (d == null) {
        throw new InferenceException("model " + name + ": not deployed");
      }
      if (d.retain()) {
        return new Lease(d);
      }
      // d was retired and drained between get() and retain(): its successor is already current.
    }
  }

  /**
   * Returns a lease on the model routed for {@code key}.
   *
   * @throws InferenceException if no model is routed for {@code key}, listing the keys that are
   */
  public ModelLease leaseFor(String key) {
    String name = routes.get(key);
    if (name == null) {
      throw new InferenceException("no model routed for key \"" + key + "\"; routed keys are "
          + new TreeSet<>(routes.keySet()));
    }
    return lease(name);
  }

  /** Returns the active version of {@code name}. */
  public String activeVersion(String name) {
    Deployment d = slot(name).current.get();
    if (d == null) {
      throw new InferenceException("model " + name + ": not deployed");
    }
    return d.release.version;
  }

  /** Returns the versions a rollback would go back through, most recent first. */
  public List<String> previousVersions(String name) {
    Slot slot = slot(name);
    synchronized (slot) {
      List<String> versions = new ArrayList<>();
      slot.history.forEach(r -> versions.add(r.version));
      return versions;
    }
  }

  /**
   * Adds a listener told of the runs of every model and version in this registry, including versions
   * deployed later; unlike a listener added to a lease's session, it survives hot swaps.
   */
  public void addMetricsListener(MetricsListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeMetricsListener(MetricsListener listener) {
    listeners.remove(listener);
  }

  /** Returns the names of the deployed models. */
  public Set<String> models() {
    return new TreeSet<>(slots.keySet());
  }

  /** Retires every model; each closes once its open leases are released. */
  @Override
  public void close() {
    closed = true;
    for (Slot slot : slots.values()) {
      synchronized (slot) {
        Deployment d = slot.current.getAndSet(null);
        if (d != null) {
          d.retire();
        }
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new InferenceException("model registry is closed");
    }
  }

  private Slot slot(String name) {
    Slot slot = slots.get(name);
    if (slot == null) {
      throw new InferenceException("model " + name + ": not deployed; deployed models are " + models());
    }
    return slot;
  }

  /** Opens a new version and remembers its source pinned to the bytes it was opened from, for rollback. */
  private Deployment load(String name, String version, ModelSource source, InferenceOptions options) {
    InferenceSession session = InferenceSession.open(source, options);
    session.addMetricsListener(forwarder);
    ModelSource pinned = source.pinnedTo(session.description().sha256());
    return new Deployment(name, new Release(version, pinned, options), session);
  }

  private Deployment load(String name, Release release) {
    InferenceSession session = InferenceSession.open(release.source, release.options);
    session.addMetricsListener(forwarder);
    return new Deployment(name, release, session);
  }

  private final class Forwarder implements MetricsListener {
    @Override
    public void onRun(String model, ExecutionProvider provider, int batchSize, long latencyNanos) {
      for (MetricsListener listener : listeners) {
        try {
          listener.onRun(model, provider, batchSize, latencyNanos);
        } catch (RuntimeException e) {
          LOG.warn("metrics listener {} failed for model {}", listener, model, e);
        }
      }
    }

    @Override
    public void onFailure(String model, ExecutionProvider provider, RuntimeException error) {
      for (MetricsListener listener : listeners) {
        try {
          listener.onFailure(model, provider, error);
        } catch (RuntimeException e) {
          LOG.warn("metrics listener {} failed for model {}", listener, model, e);
        }
      }
    }
  }

  private static final class Slot {
    final AtomicReference<Deployment> current = new AtomicReference<>();
    final Deque<Release> history = new ArrayDeque<>();

    Slot(String name) {}
  }

  private static final class Release {
    final String version;
    /** Pinned to the SHA-256 of the deployed bytes. */
    final ModelSource source;
    final InferenceOptions options;

    Release(String version, ModelSource source, InferenceOptions options) {
      this.version = version;
      this.source = source;
      this.options = options;
    }
  }

  /**
   * A loaded version with a reference count: one reference for being active, one per open lease. The last
   * release closes the session; a count of zero is final, so a late lease cannot revive a closed session.
   */
  private static final class Deployment {
    final String name;
    final Release release;
    final InferenceSession session;
    /** What leases hand out: the session without close(), which belongs to the registry. */
    final InferenceSession shared;
    private final AtomicInteger references = new AtomicInteger(1);

    Deployment(String name, Release release, InferenceSession session) {
      this.name = name;
      this.release = release;
      this.session = session;
      this.shared = new SharedSession(name, release.version, session);
    }

    boolean retain() {
      while (true) {
        int n = references.get();
        if (n == 0) {
          return false;
        }
        if (references.compareAndSet(n, n + 1)) {
          return true;
        }
      }
    }

    void release() {
      if (references.decrementAndGet() == 0) {
        session.close();
        LOG.info("model {}: version {} drained and closed", name, release.version);
      }
    }

    void retire() {
      release();
    }
  }

  private static final class Lease implements ModelLease {
    private final Deployment deployment;
    private final AtomicInteger open = new AtomicInteger(1);

    Lease(Deployment deployment) {
      this.deployment = deployment;
    }

    @Override
    public String name() {
      return deployment.name;
    }

    @Override
    public String version() {
      return deployment.release.version;
    }

    @Override
    public InferenceSession session() {
      if (open.get() == 0) {
        throw new InferenceException("model " + deployment.name + ": lease on version "
            + deployment.release.version + " is closed");
      }
      return deployment.shared;
    }

    @Override
    public void close() {
      if (open.compareAndSet(1, 0)) {
        deployment.release();
      }
    }
  }

  /**
   * A version's session as leases hand it out: everything but {@link #close()}, which would close the model
   * for every lease and line at once; the registry closes it when the version is replaced and drained.
   */
  private static final class SharedSession implements InferenceSession {
    private final String name;
    private final String version;
    private final InferenceSession session;

    SharedSession(String name, String version, InferenceSession session) {
      this.name = name;
      this.version = version;
      this.session = session;
    }

    @Override
    public ModelDescription description() {
      return session.description();
    }

    @Override
    public ProviderSelection providers() {
      return session.providers();
    }

    @Override
    public void run(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs) {
      session.run(inputs, outputs);
    }

    @Override
    public InferenceResult run(Map<String, TensorBuffer> inputs) {
      return session.run(inputs);
    }

    @Override
    public void check(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs) {
      session.check(inputs, outputs);
    }

    @Override
    public SessionBinding bind(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs) {
      return session.bind(inputs, outputs);
    }

    @Override
    public SessionMetrics metrics() {
      return session.metrics();
    }

    @Override
    public void addMetricsListener(MetricsListener listener) {
      session.addMetricsListener(listener);
    }

    @Override
    public void removeMetricsListener(MetricsListener listener) {
      session.removeMetricsListener(listener);
    }

    /** Always throws: close the lease instead. */
    @Override
    public void close() {
      throw new UnsupportedOperationException("model " + name + ": the session of version " + version
          + " is shared by every lease and closed by the registry; close the lease instead");
    }

    @Override
    public String toString() {
      return session.toString();
    }
  }
}
