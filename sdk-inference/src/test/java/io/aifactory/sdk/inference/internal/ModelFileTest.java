package io.aifactory.sdk.inference.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.inference.ModelSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
  private static final byte[] HEADER = {
    0x08, 0x08, // ir_version = 8
    0x1A, 0x03, '1', '.', '2', // producer_version = "1.2"
    0x3A, 0x04, 1, 2, 3, 4, // graph (skipped, but hashed)
    0x42, 0x02, 0x10, 0x11, // opset_import {version 17}
  };

  @Test
  void shouldHashEveryByteAndReadTheHeaderInOnePass(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("m.onnx"), HEADER);
    ModelFile read = ModelFile.read(file, "m", ModelSource.sha256Hex(HEADER));
    assertEquals(ModelSource.sha256Hex(HEADER), read.sha256);
    assertEquals(8, read.header.irVersion);
    assertEquals("1.2", read.header.producerVersion);
    assertEquals(17, read.header.opsetVersion);
  }

  @Test
  void shouldNoticeAFileThatChangedAfterItWasHashed(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("m.onnx"), HEADER);
    ModelFile read = ModelFile.read(file, "m", null);
    read.checkUnchanged("m");
    Files.write(file, new byte[] {0x08, 0x09}, StandardOpenOption.APPEND);
    InferenceException e = assertThrows(InferenceException.class, () -> read.checkUnchanged("m"));
    assertTrue(e.getMessage().startsWith("model m: file changed while it was loaded (size 17, "), e.getMessage());
  }
}
