package io.aifactory.sdk.inference;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One entry of a session's execution provider preference list, with the options that provider takes.
 * Options a provider does not use are ignored (CPU uses none). Immutable.
 *
 * <pre>{@code
 * ProviderOptions cuda = ProviderOptions.newBuilder(ExecutionProvider.CUDA)
 *     .deviceId(1)
 *     .gpuMemoryLimitBytes(2L << 30)
 *     .build();
 * }</pre>
 */
public final class ProviderOptions {
  private final ExecutionProvider provider;
  private final int deviceId;
  private final long gpuMemoryLimitBytes;
  private final Path engineCacheDirectory;
  private final String openVinoDeviceType;

  private ProviderOptions(Builder b) {
    this.provider = b.provider;
    this.deviceId = b.deviceId;
    this.gpuMemoryLimitBytes = b.gpuMemoryLimitBytes;
    this.engineCacheDirectory = b.engineCacheDirectory;
    this.openVinoDeviceType = b.openVinoDeviceType;
  }

  /** Returns the provider with default options (device 0, no memory limit). */
  public static ProviderOptions of(ExecutionProvider provider) {
    return newBuilder(provider).build();
  }

  public static Builder newBuilder(ExecutionProvider provider) {
    return new Builder(provider);
  }

  /** Returns a builder that starts from this value. */
  public Builder toBuilder() {
    Builder b = new Builder(provider);
    b.deviceId = deviceId;
    b.gpuMemoryLimitBytes = gpuMemoryLimitBytes;
    b.engineCacheDirectory = engineCacheDirectory;
    b.openVinoDeviceType = openVinoDeviceType;
    return b;
  }

  public ExecutionProvider provider() {
    return provider;
  }

  /** Returns the GPU (CUDA, TensorRT, DirectML, ROCm) to run on. */
  public int deviceId() {
    return deviceId;
  }

  /** Returns the CUDA/ROCm arena limit in bytes, or 0 for no limit. */
  public long gpuMemoryLimitBytes() {
    return gpuMemoryLimitBytes;
  }

  /** Returns the folder where TensorRT caches built engines, or null for no cache. */
  public Path engineCacheDirectory() {
    return engineCacheDirectory;
  }

  /** Returns the OpenVINO device type, e.g. {@code "CPU"}, {@code "GPU"} or {@code "NPU"}. */
  public String openVinoDeviceType() {
    return openVinoDeviceType;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(provider.name());
    if (provider != ExecutionProvider.CPU) {
      s.append("{deviceId=").append(deviceId);
      if (gpuMemoryLimitBytes > 0) {
        s.append(", gpuMemoryLimitBytes=").append(gpuMemoryLimitBytes);
      }
      if (engineCacheDirectory != null) {
        s.append(", engineCacheDirectory=").append(engineCacheDirectory);
      }
      s.append('}');
    }
    return s.toString();
  }

  public static final class Builder {
    private final ExecutionProvider provider;
    private int deviceId;
    private long gpuMemoryLimitBytes;
    private Path engineCacheDirectory;
    private String openVinoDeviceType = "CPU";

    private Builder(ExecutionProvider provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
    }

    public Builder deviceId(int deviceId) {
      if (deviceId < 0) {
        throw new IllegalArgumentException("deviceId < 0: " + deviceId);
      }
      this.deviceId = deviceId;
      return this;
    }

    public Builder gpuMemoryLimitBytes(long gpuMemoryLimitBytes) {
      if (gpuMemoryLimitBytes < 0) {
        throw new IllegalArgumentException("gpuMemoryLimitBytes < 0: " + gpuMemoryLimitBytes);
      }
      this.gpuMemoryLimitBytes = gpuMemoryLimitBytes;
      return this;
    }

    public Builder engineCacheDirectory(Path engineCacheDirectory) {
      this.engineCacheDirectory = engineCacheDirectory;
      return this;
    }

    public Builder openVinoDeviceType(String openVinoDeviceType) {
      this.openVinoDeviceType = Objects.requireNonNull(openVinoDeviceType, "openVinoDeviceType");
      return this;
    }

    public ProviderOptions build() {
      return new ProviderOptions(this);
    }
  }
}
