package io.aifactory.sdk.sparkplug.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the next {@code bdSeq} in a file, so that a restarted node does not repeat the number of the session a host
 * last saw die. Without a file (no buffer directory) numbering starts at 0 in every process, which the specification
 * allows but which a host may mistake for a replay.
 */
public final class BdSeqStore {
  private static final Logger LOG = LoggerFactory.getLogger(BdSeqStore.class);

  private final Path file;
  private long next;

  /** @param file where the number is kept, or null to keep it in memory only */
  public BdSeqStore(Path file) {
    this.file = file;
    this.next = read();
  }

  /** Returns the bdSeq for a new MQTT session (0 to 255, then 0 again) and remembers the one after it. */
  public long take() {
    long bdSeq = next;
    next = (bdSeq + 1) % 256;
    write();
    return bdSeq;
  }

  private long read() {
    if (file == null || !Files.exists(file)) {
      return 0;
    }
    try {
      long n = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
      return n >= 0 && n < 256 ? n : 0;
    } catch (IOException | NumberFormatException e) {
      LOG.warn("cannot read bdSeq from {} ({}); starting at 0", file, e.toString());
      return 0;
    }
  }

  private void write() {
    if (file == null) {
      return;
    }
    try {
      // Written aside and moved, so that a crash mid-write leaves the old number, not an empty file.
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, Long.toString(next), StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("cannot write bdSeq to {}: {}", file, e.toString());
    }
  }
}
