package io.aifactory.sdk.inference;

import java.util.List;
import java.util.Objects;

/**
 * Which execution provider a session runs on, and why each provider preferred over it was skipped. Immutable.
 */
public final class ProviderSelection {
  private final ExecutionProvider active;
  private final List<Skipped> skipped;

  public ProviderSelection(ExecutionProvider active, List<Skipped> skipped) {
    this.active = Objects.requireNonNull(active, "active");
    this.skipped = List.copyOf(skipped);
  }

  public ExecutionProvider active() {
    return active;
  }

  /** Returns the providers tried before {@link #active()} in preference order, with the reason each failed. */
  public List<Skipped> skipped() {
    return skipped;
  }

  @Override
  public String toString() {
    return "active=" + active + (skipped.isEmpty() ? "" : ", skipped=" + skipped);
  }

  /** A provider that was tried and did not initialise. */
  public static final class Skipped {
    private final ExecutionProvider provider;
    private final String reason;

    public Skipped(ExecutionProvider provider, String reason) {
      this.provider = Objects.requireNonNull(provider, "provider");
      this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ExecutionProvider provider() {
      return provider;
    }

    /** Returns ONNX Runtime's own message, e.g. {@code "Failed to find CUDA shared provider"}. */
    public String reason() {
      return reason;
    }

    @Override
    public String toString() {
      return provider + ": " + reason;
    }
  }
}
