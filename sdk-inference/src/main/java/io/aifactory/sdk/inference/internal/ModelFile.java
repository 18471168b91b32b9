package io.aifactory.sdk.inference.internal;

import io.aifactory.sdk.core.InferenceException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A model file read once, as a stream: its SHA-256 and header, and a stamp of the file (size, modification time,
 * file key) to tell whether it changed before ONNX Runtime read it.
 *
 * <p>Why a stream: a model over 2 GB does not fit in a byte array, and ONNX Runtime must open the file from its path
 * anyway (to find external data). The price is that the file is read twice, once here and once by ONNX Runtime, so
 * a file replaced in between would run unpinned bytes: {@link #checkUnchanged} compares the stamp taken before
 * hashing with one taken after ONNX Runtime has loaded the model. What it cannot see is a rewrite that keeps the
 * size, the modification time (within the file system's resolution) and the file key; weight files beside the
 * model are not pinned at all.
 */
final class ModelFile {
  private static final int CHUNK = 64 * 1024;

  final Path path;
  final String sha256;
  final ModelHeader header;
  private final Stamp stamp;

  private ModelFile(Path path, String sha256, ModelHeader header, Stamp stamp) {
    this.path = path;
    this.sha256 = sha256;
    this.header = header;
    this.stamp = stamp;
  }

  /**
   * Reads {@code path} once, hashing it and reading its header; checks it against {@code pin} (lower-case hex, or
   * null for none).
   *
   * @throws InferenceException if the file cannot be read, changes while it is read, or does not match the pin
   */
  static ModelFile read(Path path, String name, String pin) {
    Objects.requireNonNull(path, "path");
    Stamp before = Stamp.of(path, name);
    MessageDigest digest = sha256();
    ModelHeader header;
    try (InputStream in = new BufferedInputStream(new DigestInputStream(Files.newInputStream(path), digest), CHUNK)) {
      header = ModelHeader.read(in);
    } catch (IOException e) {
      throw new InferenceException("model " + name + ": cannot read file: " + e, e);
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    ModelFile file = new ModelFile(path, actual, header, before);
    file.checkUnchanged(name);
    if (pin != null && !pin.equals(actual)) {
      throw new InferenceException("model " + name + ": SHA-256 mismatch, expected " + pin
          + " but the bytes hash to " + actual);
    }
    return file;
  }

  /**
   * Fails if the file's size, modification time or file key differ from when it was hashed.
   *
   * @throws InferenceException naming what changed
   */
  void checkUnchanged(String name) {
    Stamp now = Stamp.of(path, name);
    if (!now.equals(stamp)) {
      throw new InferenceException("model " + name + ": file changed while it was loaded (" + stamp + " -> " + now
          + "); its SHA-256 no longer vouches for what would run, load it again");
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static final class Stamp {
    final long size;
    final FileTime modified;
    final Object fileKey;

    private Stamp(long size, FileTime modified, Object fileKey) {
      this.size = size;
      this.modified = modified;
      this.fileKey = fileKey;
    }

    static Stamp of(Path path, String name) {
      try {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
        return new Stamp(a.size(), a.lastModifiedTime(), a.fileKey());
      } catch (IOException e) {
        throw new InferenceException("model " + name + ": cannot read file: " + e, e);
      }
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Stamp)) {
        return false;
      }
      Stamp s = (Stamp) o;
      return size == s.size && modified.equals(s.modified) && Objects.equals(fileKey, s.fileKey);
    }

    @Override
    public int hashCode() {
      return Objects.hash(size, modified, fileKey);
    }

    @Override
    public String toString() {
      return "size " + size + ", modified " + modified + (fileKey != null ? ", key " + fileKey : "");
    }
  }
}
