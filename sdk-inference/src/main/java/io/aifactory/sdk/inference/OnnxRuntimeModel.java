package io.aifactory.sdk.inference;

import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.core.pipeline.Model;
import io.aifactory.sdk.core.pipeline.ModelInfo;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ONNX model as a pipeline {@link Model}: the pipeline's tensors go to an {@link InferenceSession} as they are,
 * without copying, and the outputs are written into the pipeline's own tensors.
 *
 * <pre>{@code
 * try (OnnxRuntimeModel model = OnnxRuntimeModel.open("spindle", "3",
 *     ModelSource.ofPath(Path.of("models/spindle.onnx")).pinnedTo(sha256), options)) {
 *   model.check(inputs, outputs);   // once: names, element types and shapes against the model
 *   model.run(inputs, outputs);     // every tick
 * }
 * }</pre>
 *
 * <p>Who closes what: a model from {@link #open} owns its session and closes it in {@link #close()}. A model from
 * {@link #wrap} uses a session the caller owns: its {@code close()} does nothing, and the caller closes the session
 * once the model is no longer run. A model from {@link #routed} owns nothing; the registry closes its versions.
 *
 * <p>Threads: as the session's; every method may be called from many threads at once.
 */
public final class OnnxRuntimeModel implements Model {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxRuntimeModel.class);

  private final InferenceSession session;
  private final boolean ownsSession;
  private final ModelInfo info;

  private OnnxRuntimeModel(InferenceSession session, boolean ownsSession, ModelInfo info) {
    this.session = session;
    this.ownsSession = ownsSession;
    this.info = info;
  }

  /**
   * Opens {@code source} with {@code options} as a model that owns its session.
   *
   * @param version the version to report unless the file's metadata names one (see {@link #info()}); may be ""
   * @throws InferenceException as {@link InferenceSession#open(ModelSource, InferenceOptions)}
   */
  public static OnnxRuntimeModel open(String name, String version, ModelSource source, InferenceOptions options) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    InferenceSession session = InferenceSession.open(source, options);
    return new OnnxRuntimeModel(session, true, describe(name, version, session));
  }

  /**
   * Returns a model over {@code session}, which stays the caller's: closing the model does not close it.
   *
   * @param version the version to report unless the file's metadata names one (see {@link #info()}); may be ""
   */
  public static OnnxRuntimeModel wrap(String name, String version, InferenceSession session) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(session, "session");
    return new OnnxRuntimeModel(session, false, describe(name, version, session));
  }

  /**
   * Returns a model that runs whatever version of the model {@code registry} routes {@code key} to at each run, so
   * that a pipeline keeps running across a hot swap or a rollback: a run that started on the old version finishes
   * on it. {@link Model#info()} describes the version active when it is called, with the registry's version
   * string. Closing the model closes neither the registry nor its versions.
   */
  public static Model routed(ModelRegistry registry, String key) {
    return new Routed(Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(key, "key"));
  }

  /** Returns the session this model runs. */
  public InferenceSession session() {
    return session;
  }

  /**
   * Returns the model's name as given; its version; the SHA-256 of the bytes loaded; and
   * {@code onnxruntime/<active execution provider>}, e.g. {@code onnxruntime/CPU}.
   *
   * <p>The version is the {@code version} entry of the file's {@code metadata_props} if it has one (a data
   * scientist wrote it on purpose), else the version given when opening, else the file's {@code model_version}
   * if it has one and it is not 0, else "". {@code model_version} comes last because it is an integer that
   * exporters and builders fill with a default (1 or 0), so it cannot overrule a version an integrator wrote down.
   */
  @Override
  public ModelInfo info() {
    return info;
  }

  /**
   * Checks the pipeline's tensors against the model's inputs and outputs with the session's own checks: names,
   * element types, and every dimension the model fixes (a dynamic one, such as the batch, accepts any size).
   *
   * @throws InferenceException naming the tensor, what the model expects and what was given
   */
  @Override
  public void check(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs) {
    session.check(inputs, outputs);
  }

  /** Runs the session: see {@link InferenceSession#run(Map, Map)}. */
  @Override
  public void run(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs) {
    session.run(inputs, outputs);
  }

  /** Closes the session if this model opened it; see the class comment. */
  @Override
  public void close() {
    if (ownsSession) {
      session.close();
    }
  }

  @Override
  public String toString() {
    return "OnnxRuntimeModel[" + info + "]";
  }

  private static ModelInfo describe(String name, String version, InferenceSession session) {
    ModelDescription description = session.description();
    ModelMetadata metadata = description.metadata();
    String own = metadata.custom().getOrDefault("version", "").trim();
    if (!own.isEmpty() && !version.isEmpty() && !own.equals(version)) {
      // The file is the better witness of what runs; say so rather than pick one silently.
      LOG.warn("model {}: the file {} says version {}, the caller says {}; reporting {}", name,
          description.source(), own, version, own);
    }
    String reported = !own.isEmpty() ? own
        : !version.isEmpty() ? version
        : metadata.modelVersion().orElse(0) != 0 ? Long.toString(metadata.modelVersion().getAsLong()) : "";
    return new ModelInfo(name, reported, description.sha256(), runtime(session));
  }

  private static String runtime(InferenceSession session) {
    return "onnxruntime/" + session.activeProvider();
  }

  /** A registry route as a model: each call leases the active version for its own duration. */
  private static final class Routed implements Model {
    private final ModelRegistry registry;
    private final String key;
    /** The info of the last version seen, with its session, so that info() allocates only after a swap. */
    private volatile Described last;

    Routed(ModelRegistry registry, String key) {
      this.registry = registry;
      this.key = key;
    }

    @Override
    public ModelInfo info() {
      try (ModelLease lease = registry.leaseFor(key)) {
        InferenceSession session = lease.session();
        Described seen = last;
        if (seen == null || seen.session != session) {
          seen = new Described(session, new ModelInfo(lease.name(), lease.version(), session.description().sha256(),
              runtime(session)));
          last = seen;
        }
        return seen.info;
      }
    }

    @Override
    public void check(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs) {
      try (ModelLease lease = registry.leaseFor(key)) {
        lease.session().check(inputs, outputs);
      }
    }

    @Override
    public void run(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs) {
      try (ModelLease lease = registry.leaseFor(key)) {
        lease.session().run(inputs, outputs);
      }
    }

    @Override
    public String toString() {
      return "OnnxRuntimeModel.routed[" + key + "]";
    }
  }

  private static final class Described {
    final InferenceSession session;
    final ModelInfo info;

    Described(InferenceSession session, ModelInfo info) {
      this.session = session;
      this.info = info;
    }
  }
}
