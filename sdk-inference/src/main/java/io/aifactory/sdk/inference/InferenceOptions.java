package io.aifactory.sdk.inference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a session is opened: execution provider preference, threads, graph optimisation, an optional cache
 * file for the optimised model, and warm-up runs. Immutable; {@link #toBuilder()} copies.
 *
 * <pre>{@code
 * InferenceOptions options = InferenceOptions.newBuilder()
 *     .providers(ExecutionProvider.CUDA, ExecutionProvider.CPU)
 *     .intraOpThreads(1)
 *     .warmUpRuns(3)
 *     .build();
 * }</pre>
 */
public final class InferenceOptions {
  private static final InferenceOptions DEFAULTS = new Builder().build();

  private final List<ProviderOptions> providers;
  private final boolean requireAccelerator;
  private final int intraOpThreads;
  private final int interOpThreads;
  private final GraphOptimizationLevel optimizationLevel;
  private final Path optimizedModelPath;
  private final int warmUpRuns;
  private final Map<String, String> configEntries;
  private final NativeLogLevel nativeLogLevel;

  private InferenceOptions(Builder b) {
    this.providers = List.copyOf(b.providers);
    this.requireAccelerator = b.requireAccelerator;
    this.intraOpThreads = b.intraOpThreads;
    this.interOpThreads = b.interOpThreads;
    this.optimizationLevel = b.optimizationLevel;
    this.optimizedModelPath = b.optimizedModelPath;
    this.warmUpRuns = b.warmUpRuns;
    this.configEntries = Collections.unmodifiableMap(new LinkedHashMap<>(b.configEntries));
    this.nativeLogLevel = b.nativeLogLevel;
  }

  /** Returns the defaults: CPU only, ONNX Runtime's thread counts, all optimisations, no warm-up. */
  public static InferenceOptions defaults() {
    return DEFAULTS;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns a builder that starts from this value. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.providers = new ArrayList<>(providers);
    b.requireAccelerator = requireAccelerator;
    b.intraOpThreads = intraOpThreads;
    b.interOpThreads = interOpThreads;
    b.optimizationLevel = optimizationLevel;
    b.optimizedModelPath = optimizedModelPath;
    b.warmUpRuns = warmUpRuns;
    b.configEntries = new LinkedHashMap<>(configEntries);
    b.nativeLogLevel = nativeLogLevel;
    return b;
  }

  /** Returns the execution providers to try, most preferred first. */
  public List<ProviderOptions> providers() {
    return providers;
  }

  /** Returns true if a session must fail rather than fall back to CPU. */
  public boolean requireAccelerator() {
    return requireAccelerator;
  }

  /** Returns the threads one operator may use, or 0 for ONNX Runtime's default. */
  public int intraOpThreads() {
    return intraOpThreads;
  }

  /** Returns the threads independent operators may use, or 0 for ONNX Runtime's default. */
  public int interOpThreads() {
    return interOpThreads;
  }

  public GraphOptimizationLevel optimizationLevel() {
    return optimizationLevel;
  }

  /** Returns where ONNX Runtime writes the optimised model, or null. */
  public Path optimizedModelPath() {
    return optimizedModelPath;
  }

  /** Returns how many runs on zero-filled inputs happen before a session takes traffic. */
  public int warmUpRuns() {
    return warmUpRuns;
  }

  /**
   * Returns ONNX Runtime session configuration entries passed through as given, e.g.
   * {@code session.intra_op.allow_spinning=0} to stop idle intra-op threads from spinning on a busy machine.
   */
  public Map<String, String> configEntries() {
    return configEntries;
  }

  /** Returns the least severe message ONNX Runtime's native log writes for the session, or null for its default. */
  public NativeLogLevel nativeLogLevel() {
    return nativeLogLevel;
  }

  @Override
  public String toString() {
    return "InferenceOptions{providers=" + providers + ", requireAccelerator=" + requireAccelerator
        + ", intraOpThreads=" + intraOpThreads + ", interOpThreads=" + interOpThreads
        + ", optimizationLevel=" + optimizationLevel + ", optimizedModelPath=" + optimizedModelPath
        + ", warmUpRuns=" + warmUpRuns + (configEntries.isEmpty() ? "" : ", configEntries=" + configEntries)
        + (nativeLogLevel == null ? "" : ", nativeLogLevel=" + nativeLogLevel) + "}";
  }

  public static final class Builder {
    private List<ProviderOptions> providers = new ArrayList<>(List.of(ProviderOptions.of(ExecutionProvider.CPU)));
    private boolean requireAccelerator;
    private int intraOpThreads;
    private int interOpThreads;
    private GraphOptimizationLevel optimizationLevel = GraphOptimizationLevel.ALL;
    private Path optimizedModelPath;
    private int warmUpRuns;
    private Map<String, String> configEntries = new LinkedHashMap<>();
    private NativeLogLevel nativeLogLevel;

    private Builder() {}

    /** Sets the preference list, most preferred first, each with default options. */
    public Builder providers(ExecutionProvider... providers) {
      List<ProviderOptions> list = new ArrayList<>();
      for (ExecutionProvider p : providers) {
        list.add(ProviderOptions.of(p));
      }
      return providerOptions(list);
    }

    /** Sets the preference list, most preferred first. */
    public Builder providerOptions(List<ProviderOptions> providers) {
      if (providers.isEmpty()) {
        throw new IllegalArgumentException("providers is empty");
      }
      List<ExecutionProvider> seen = new ArrayList<>();
      for (ProviderOptions p : providers) {
        if (seen.contains(p.provider())) {
          throw new IllegalArgumentException("provider listed twice: " + p.provider() + " in "
              + Arrays.toString(providers.toArray()));
        }
        seen.add(p.provider());
      }
      this.providers = new ArrayList<>(providers);
      return this;
    }

    public Builder requireAccelerator(boolean requireAccelerator) {
      this.requireAccelerator = requireAccelerator;
      return this;
    }

    public Builder intraOpThreads(int intraOpThreads) {
      if (intraOpThreads < 0) {
        throw new IllegalArgumentException("intraOpThreads < 0: " + intraOpThreads);
      }
      this.intraOpThreads = intraOpThreads;
      return this;
    }

    public Builder interOpThreads(int interOpThreads) {
      if (interOpThreads < 0) {
        throw new IllegalArgumentException("interOpThreads < 0: " + interOpThreads);
      }
      this.interOpThreads = interOpThreads;
      return this;
    }

    public Builder optimizationLevel(GraphOptimizationLevel optimizationLevel) {
      this.optimizationLevel = Objects.requireNonNull(optimizationLevel, "optimizationLevel");
      return this;
    }

    public Builder optimizedModelPath(Path optimizedModelPath) {
      this.optimizedModelPath = optimizedModelPath;
      return this;
    }

    /**
     * Runs the model this many times on zeros when it opens, with every dynamic dimension 1, and does not
     * count those runs. A model that rejects that shape still opens: the failed warm-up is logged as a warning.
     */
    public Builder warmUpRuns(int warmUpRuns) {
      if (warmUpRuns < 0) {
        throw new IllegalArgumentException("warmUpRuns < 0: " + warmUpRuns);
      }
      this.warmUpRuns = warmUpRuns;
      return this;
    }

    /** Adds an ONNX Runtime session configuration entry (see {@link InferenceOptions#configEntries()}). */
    public Builder configEntry(String key, String value) {
      configEntries.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets the least severe message ONNX Runtime's own (native, stderr) log writes for the session, e.g.
     * {@link NativeLogLevel#FATAL} so that a run failing every cycle does not print a native error each time;
     * the failure is still thrown. Null keeps ONNX Runtime's default, {@link NativeLogLevel#WARNING}.
     */
    public Builder nativeLogLevel(NativeLogLevel nativeLogLevel) {
      this.nativeLogLevel = nativeLogLevel;
      return this;
    }

    public InferenceOptions build() {
      return new InferenceOptions(this);
    }
  }
}
