package io.aifactory.sdk.inference;

import io.aifactory.sdk.core.InferenceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a model's bytes come from — a file, a byte array, or a class path resource — optionally pinned by
 * SHA-256. A pinned model whose bytes differ fails before ONNX Runtime sees them. Immutable.
 *
 * <pre>{@code
 * ModelSource source = ModelSource.ofPath(Path.of("models/spindle.onnx"))
 *     .pinnedTo("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
 * }</pre>
 */
public final class ModelSource {
  private enum Kind { PATH, BYTES, RESOURCE }

  private final Kind kind;
  private final String name;
  private final Path path;
  private final byte[] bytes;
  private final ClassLoader classLoader;
  private final String sha256;

  private ModelSource(Kind kind, String name, Path path, byte[] bytes, ClassLoader classLoader, String sha256) {
    this.kind = kind;
    this.name = name;
    this.path = path;
    this.bytes = bytes;
    this.classLoader = classLoader;
    this.sha256 = sha256;
  }

  /**
   * Returns a source over the file {@code path}. The session opens it from its path, so a model whose weights
   * live in files beside it (ONNX external data, as exporters write models over 2 GB) opens as it is; a pin
   * covers the model file, not those weight files.
   */
  public static ModelSource ofPath(Path path) {
    Objects.requireNonNull(path, "path");
    return new ModelSource(Kind.PATH, path.toString(), path, null, null, null);
  }

  /**
   * Returns a source over a copy of {@code bytes}; {@code name} is what error messages call the model. A model
   * with external data cannot be opened from bytes (ONNX Runtime would look for its weights in the working
   * directory): use {@link #ofPath}.
   */
  public static ModelSource ofBytes(String name, byte[] bytes) {
    Objects.requireNonNull(name, "name");
    return new ModelSource(Kind.BYTES, name, null, bytes.clone(), null, null);
  }

  /** Returns a source over a class path resource, e.g. {@code "models/spindle.onnx"}, of the context loader. */
  public static ModelSource ofResource(String resource) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return ofResource(loader != null ? loader : ModelSource.class.getClassLoader(), resource);
  }

  public static ModelSource ofResource(ClassLoader classLoader, String resource) {
    Objects.requireNonNull(classLoader, "classLoader");
    Objects.requireNonNull(resource, "resource");
    String normalised = resource.startsWith("/") ? resource.substring(1) : resource;
    return new ModelSource(Kind.RESOURCE, "classpath:" + normalised, null, null, classLoader, null);
  }

  /** Returns this source pinned to a SHA-256 given in hex (either case). */
  public ModelSource pinnedTo(String sha256) {
    Objects.requireNonNull(sha256, "sha256");
    String hex = sha256.toLowerCase(Locale.ROOT);
    if (!hex.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("sha256 is not 64 hex digits: " + sha256);
    }
    return new ModelSource(kind, name, path, bytes, classLoader, hex);
  }

  /** Returns the file, resource or given name, as error messages show it. */
  public String name() {
    return name;
  }

  /**
   * Returns the file of a source made by {@link #ofPath}, else empty. A session opens a file from its path, so
   * that weights stored beside the model (ONNX external data) are found.
   */
  public Optional<Path> path() {
    return Optional.ofNullable(path);
  }

  /** Returns the pinned SHA-256 in lower-case hex, or null if unpinned. */
  public String sha256() {
    return sha256;
  }

  /**
   * Reads the model's bytes into memory and checks the pin. Sessions do not use this for a file: they hash it by
   * streaming and let ONNX Runtime read it from its path, so a model over 2 GB (which no byte array holds) loads.
   *
   * @throws InferenceException if the bytes cannot be read or do not match the pin
   */
  public byte[] load() {
    byte[] data = read();
    if (sha256 != null) {
      String actual = sha256Hex(data);
      if (!actual.equals(sha256)) {
        throw new InferenceException("model " + name + ": SHA-256 mismatch, expected " + sha256
            + " but the bytes hash to " + actual);
      }
    }
    return data;
  }

  private byte[] read() {
    switch (kind) {
      case BYTES:
        return bytes.clone();
      case PATH:
        try {
          return Files.readAllBytes(path);
        } catch (IOException e) {
          throw new InferenceException("model " + name + ": cannot read file: " + e, e);
        }
      case RESOURCE:
        String resource = name.substring("classpath:".length());
        try (InputStream in = classLoader.getResourceAsStream(resource)) {
          if (in == null) {
            throw new InferenceException("model " + name + ": no such class path resource");
          }
          return in.readAllBytes();
        } catch (IOException e) {
          throw new InferenceException("model " + name + ": cannot read resource: " + e, e);
        }
      default:
        throw new AssertionError(kind);
    }
  }

  /** Returns the lower-case hex SHA-256 of {@code data}. */
  public static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return name + (sha256 != null ? " (sha256 " + sha256 + ")" : "");
  }
}
