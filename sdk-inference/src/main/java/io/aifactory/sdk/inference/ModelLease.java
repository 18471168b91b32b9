package io.aifactory.sdk.inference;

/**
 * The use of one version of a registered model for one or more runs. While a lease is open its version
 * stays loaded, even if a newer one has been deployed since; close it promptly so that a replaced version
 * can be freed.
 */
public interface ModelLease extends AutoCloseable {
  /** Returns the registered model name. */
  String name();

  /** Returns the version this lease runs. */
  String version();

  /**
   * Returns the session of this version; valid until the lease is closed. The session is shared by every
   * lease of the version, so its {@code close()} throws {@link UnsupportedOperationException}: close the lease,
   * not the session (do not put it in a try-with-resources). A metrics listener added to it hears this version
   * only; {@link ModelRegistry#addMetricsListener} hears every version.
   */
  InferenceSession session();

  @Override
  void close();
}
