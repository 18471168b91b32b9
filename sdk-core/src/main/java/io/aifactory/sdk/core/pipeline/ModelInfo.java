package io.aifactory.sdk.core.pipeline;

import java.util.Objects;

/** What a {@link Model} is: name, version, SHA-256 of its bytes (or "") and the runtime it runs on. Immutable. */
public final class ModelInfo {
  private final String name;
  private final String version;
  private final String sha256;
  private final String runtime;

  public ModelInfo(String name, String version, String sha256, String runtime) {
    this.name = Objects.requireNonNull(name, "name");
    this.version = Objects.requireNonNull(version, "version");
    this.sha256 = Objects.requireNonNull(sha256, "sha256");
    this.runtime = Objects.requireNonNull(runtime, "runtime");
  }

  /** Returns a description for a model written in Java: no file, no hash. */
  public static ModelInfo of(String name, String version) {
    return new ModelInfo(name, version, "", "java");
  }

  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  /** Returns the lowercase hex SHA-256 of the model's bytes, or "" if it has none. */
  public String sha256() {
    return sha256;
  }

  /** Returns where the model runs, e.g. {@code onnxruntime/CPU} or {@code java}. */
  public String runtime() {
    return runtime;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelInfo && name.equals(((ModelInfo) o).name) && version.equals(((ModelInfo) o).version)
        && sha256.equals(((ModelInfo) o).sha256) && runtime.equals(((ModelInfo) o).runtime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, version, sha256, runtime);
  }

  @Override
  public String toString() {
    return name + ":" + version + (sha256.isEmpty() ? "" : " sha256=" + sha256.substring(0, Math.min(12, sha256.length()))) + " on " + runtime;
  }
}
