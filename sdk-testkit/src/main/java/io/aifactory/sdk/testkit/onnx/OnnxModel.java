package io.aifactory.sdk.testkit.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The bytes of a built ONNX model with the names of its graph inputs and outputs, and the weights file it refers
 * to if it was built with {@link OnnxModelBuilder#externalData}. Immutable.
 */
public final class OnnxModel {
  private final byte[] bytes;
  private final List<String> inputNames;
  private final List<String> outputNames;
  private final String externalDataLocation;
  private final byte[] externalData;

  OnnxModel(byte[] bytes, List<String> inputNames, List<String> outputNames, String externalDataLocation,
      byte[] externalData) {
    this.bytes = bytes;
    this.inputNames = List.copyOf(inputNames);
    this.outputNames = List.copyOf(outputNames);
    this.externalDataLocation = externalDataLocation;
    this.externalData = externalData;
  }

  /** Returns the name of the weights file the model refers to, beside it, or null if its weights are inside. */
  public String externalDataLocation() {
    return externalDataLocation;
  }

  /** Returns a copy of the weights file's contents, or null if the weights are inside the model. */
  public byte[] externalData() {
    return externalData == null ? null : externalData.clone();
  }

  /** Returns a copy of the serialized {@code ModelProto}. */
  public byte[] bytes() {
    return bytes.clone();
  }

  public int size() {
    return bytes.length;
  }

  public List<String> inputNames() {
    return inputNames;
  }

  public List<String> outputNames() {
    return outputNames;
  }

  /** Returns the first input's name, convenient for single-input models. */
  public String inputName() {
    return inputNames.get(0);
  }

  /** Returns the first output's name, convenient for single-output models. */
  public String outputName() {
    return outputNames.get(0);
  }

  /** Returns the SHA-256 of {@link #bytes()} in lower-case hex, as a model pin would state it. */
  public String sha256() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Writes the model to {@code file}, and its weights file beside it if it has one, and returns the file. */
  public Path writeTo(Path file) {
    try {
      if (externalData != null) {
        Path dir = file.toAbsolutePath().getParent();
        Files.write(dir.resolve(externalDataLocation), externalData);
      }
      Files.write(file, bytes);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write ONNX model to " + file, e);
    }
  }

  @Override
  public String toString() {
    return "OnnxModel{inputs=" + inputNames + ", outputs=" + outputNames + ", bytes=" + bytes.length + "}";
  }
}
