package io.aifactory.sdk.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aifactory.sdk.core.InferenceException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model file is hashed by streaming, never read into one array: a file over 2 GB could not be. Proved on a
 * moderate file by counting the bytes this thread allocates (HotSpot's per-thread counter), not by timing.
 */
class ModelSourceLargeFileTest {
  private static final int LARGE = 32 << 20;

  @Test
  void shouldCheckThePinOfAFileByStreamingWithoutAnArrayOfItsSize(@TempDir Path dir) throws Exception {
    com.sun.management.ThreadMXBean threads = allocationCounter();
    Path small = write(dir.resolve("small.onnx"), 4096);
    Path large = write(dir.resolve("large.onnx"), LARGE);
    String wrong = "0".repeat(64);
    // Once on a small file first, so that loading classes is not counted.
    assertThrows(InferenceException.class, () -> InferenceSession.open(ModelSource.ofPath(small).pinnedTo(wrong)));

    long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
    InferenceException e = assertThrows(InferenceException.class,
        () -> InferenceSession.open(ModelSource.ofPath(large).pinnedTo(wrong)));
    long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;

    assertEquals("model " + large + ": SHA-256 mismatch, expected " + wrong + " but the bytes hash to "
        + ModelSource.sha256Hex(Files.readAllBytes(large)), e.getMessage());
    assertTrue(allocated < LARGE / 4, "allocated " + allocated + " bytes to check the pin of a file of " + LARGE);
  }

  static com.sun.management.ThreadMXBean allocationCounter() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's per-thread allocation counter");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
    return threads;
  }

  static Path write(Path file, int size) throws Exception {
    Random random = new Random(size);
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int left = size; left > 0; left -= chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk, 0, Math.min(left, chunk.length));
      }
    }
    return file;
  }
}
