package io.aifactory.sdk.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.aifactory.sdk.core.InferenceException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSourceTest {
  private static final byte[] BYTES = "abc".getBytes(StandardCharsets.US_ASCII);
  // SHA-256("abc") from FIPS 180-2.
  private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @Test
  void shouldHashAndAcceptAMatchingPinInEitherCase() {
    assertEquals(ABC, ModelSource.sha256Hex(BYTES));
    assertArrayEquals(BYTES, ModelSource.ofBytes("m", BYTES).pinnedTo(ABC.toUpperCase()).load());
  }

  @Test
  void shouldRejectAMismatchedPinNamingBothHashes(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("m.onnx"), BYTES);
    String pin = "f".repeat(64);
    InferenceException e = assertThrows(InferenceException.class, () -> ModelSource.ofPath(file).pinnedTo(pin).load());
    assertEquals("model " + file + ": SHA-256 mismatch, expected " + pin + " but the bytes hash to " + ABC,
        e.getMessage());
  }

  @Test
  void shouldRejectAPinThatIsNotASha256() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelSource.ofBytes("m", BYTES).pinnedTo("abc"));
    assertEquals("sha256 is not 64 hex digits: abc", e.getMessage());
  }

  @Test
  void shouldCopyBytesSoLaterChangesDoNotLeakIn() {
    byte[] bytes = BYTES.clone();
    ModelSource source = ModelSource.ofBytes("m", bytes).pinnedTo(ABC);
    bytes[0] = 'x';
    assertArrayEquals(BYTES, source.load());
  }
}
