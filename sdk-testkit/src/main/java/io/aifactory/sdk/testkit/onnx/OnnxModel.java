package io.aifactory.sdk.testkit.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** The bytes of a built ONNX model with the names of its graph inputs and outputs. Immutable. */
public final class OnnxModel {
  private final byte[] bytes;
  private final List<String> inputNames;
  private final List<String> outputNames;

  OnnxModel(byte[] bytes, List<String> inputNames, List<String> outputNames) {
    this.bytes = bytes;
    this.inputNames = List.copyOf(inputNames);
    this.outputNames = List.copyOf(outputNames);
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

  /** Writes the model to {@code file} and returns the file. */
  public Path writeTo(Path file) {
    try {
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
