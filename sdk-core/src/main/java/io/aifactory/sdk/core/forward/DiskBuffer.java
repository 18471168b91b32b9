package io.aifactory.sdk.core.forward;

import io.aifactory.sdk.core.AifactoryException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only log of records on local disk, read back oldest first and deleted once acknowledged: the
 * store in store-and-forward.
 *
 * <pre>{@code
 * try (DiskBuffer buffer = DiskBuffer.newBuilder()
 *     .name("kafka")
 *     .directory(Path.of("/var/lib/mes/forward"))
 *     .maxBytes(1L << 30)
 *     .maxAge(Duration.ofDays(7))
 *     .build()) {
 *   buffer.open();                                  // finds what a previous run left unsent
 *   buffer.append(json, sampleTimeNanos);           // from any thread; never waits for the network
 *   List<BufferedRecord> batch = buffer.peek(500);  // oldest first
 *   // ... send them ...
 *   buffer.acknowledge(batch.get(batch.size() - 1).sequence());
 * }
 * }</pre>
 *
 * <p><b>Durability.</b> An append is written to the file at once (so a killed process loses nothing), and made
 * durable against a power loss when its segment is completed, on {@link #sync()} and on {@link #close()}. Every
 * record carries its length and a CRC32C, so a crash mid-write leaves at worst a torn tail, which {@link #open()}
 * detects, cuts off and counts ({@link BufferMetrics#corruptSkipped()}); records before it are intact. The
 * acknowledged position is written at each {@link #acknowledge} and made durable with the data; after a crash it may
 * lag, so a few records may be delivered twice (at-least-once), never lost.
 *
 * <p><b>Bounds.</b> When the segment files exceed {@link Builder#maxBytes}, the oldest segment is deleted whether
 * delivered or not (space comes back a file at a time, so that is the unit); its undelivered records are counted in
 * {@link BufferMetrics#droppedBySize()}. Records whose time is older than {@link Builder#maxAge} are skipped by
 * {@link #peek} and their segments deleted, counted in {@link BufferMetrics#droppedByAge()}. Nothing else drops a
 * record.
 *
 * <p><b>Threads.</b> Every method is thread-safe; they share one lock, held for a file write or read, never for
 * anything on the network. One folder belongs to one buffer at a time (an OS file lock on {@code <name>.lock}).
 * The disk format is described in the {@linkplain io.aifactory.sdk.core.forward package documentation}.
 */
public final class DiskBuffer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DiskBuffer.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

  static final int FILE_MAGIC = 0x41465342; // "AFSB"
  static final int FORMAT_VERSION = 1;
  static final int FILE_HEADER_BYTES = 8;
  /** length (int), crc32c (int), sequence (long), time (long); the CRC covers sequence, time and payload. */
  static final int RECORD_HEADER_BYTES = 24;
  private static final int READ_CHUNK_BYTES = 64 * 1024;

  private final String name;
  private final Path directory;
  private final long maxBytes;
  private final long maxAgeNanos;
  private final long segmentBytes;
  private final Clock clock;
  private final Pattern segmentFile;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition appendedOrClosed = lock.newCondition();
  private final CRC32C crc = new CRC32C();
  private final ByteBuffer writeHeader = ByteBuffer.allocate(RECORD_HEADER_BYTES);
  private final ByteBuffer[] writeParts = new ByteBuffer[2];

  // Everything below is guarded by lock.
  /** Oldest first; the last one is the active segment that appends go to. */
  private final List<Segment> segments = new ArrayList<>();
  private boolean opened;
  private boolean closed;
  private int waiters;
  private long nextSequence;
  /** Every record up to and including this sequence is acknowledged or dropped. */
  private long consumed;
  /** Position of the first record after {@link #consumed}, or the end of the log. */
  private int headIndex;
  private long headOffset;
  private long bytesOnDisk;
  private AckFile ackFile;
  private FileChannel lockChannel;
  private FileLock fileLock;

  // Read cache: one chunk of one segment. Records never change once written, so it stays valid until the segment
  // is cut (corruption) or deleted.
  private ByteBuffer readChunk = ByteBuffer.allocate(READ_CHUNK_BYTES);
  private Segment chunkSegment;
  private long chunkStart;
  private int chunkLength;
  // Where each record returned by the last peek ends, so that acknowledging it needs no scan.
  private final List<PeekPosition> lastPeek = new ArrayList<>();

  private long appended;
  private long recovered;
  private long delivered;
  private long droppedBySize;
  private long droppedByAge;
  private long corruptSkipped;
  private long writeErrors;

  private DiskBuffer(Builder b) {
    this.name = b.name;
    this.directory = b.directory;
    this.maxBytes = b.maxBytes;
    this.maxAgeNanos = saturatedNanos(b.maxAge);
    this.segmentBytes = b.segmentBytes;
    this.clock = b.clock;
    this.segmentFile = Pattern.compile(Pattern.quote(b.name) + "-(\\d{20})\\.seg");
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns the buffer's name: the prefix of its files. */
  public String name() {
    return name;
  }

  public Path directory() {
    return directory;
  }

  /**
   * Opens the folder: takes its lock, reads back the segments a previous run left (checking every record, cutting
   * off and counting a torn tail), and starts a new segment for appends.
   *
   * @throws IllegalStateException if already opened, closed, or the folder is held by another buffer
   * @throws AifactoryException if the folder cannot be read or written
   */
  public void open() {
    lock.lock();
    try {
      if (closed) throw new IllegalStateException("buffer '" + name + "' is closed");
      if (opened) throw new IllegalStateException("buffer '" + name + "' already opened");
      try {
        Files.createDirectories(directory);
        lockFolder();
        ackFile = new AckFile(directory.resolve(name + ".ack"));
        long acked = ackFile.read();
        recoverSegments();
        long last = segments.isEmpty() ? 0 : segments.get(segments.size() - 1).lastSequence;
        // An empty segment still names the next sequence; an ack may be ahead of every remaining file.
        for (Segment s : segments) last = Math.max(last, s.firstSequence - 1);
        nextSequence = Math.max(last, acked) + 1;
        consumed = acked;
        removeEmptySegments();
        segments.add(newSegment(nextSequence));
        headIndex = 0;
        headOffset = FILE_HEADER_BYTES;
        advanceHead();
        recovered = countAfter(consumed);
        deleteConsumedSegments();
        opened = true;
        if (recovered > 0 || corruptSkipped > 0) {
          LOG.info("Buffer '{}' in {}: {} records to forward from before, {} damaged regions skipped", name,
              directory, recovered, corruptSkipped);
        }
      } catch (IOException e) {
        closed = true; // half-opened state is not worth repairing: build a new buffer
        closeFiles();
        throw new AifactoryException("buffer '" + name + "': cannot open folder " + directory + ": " + e, e);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Appends a record and returns at once; it never waits for the network, only for the file write. Returns false
   * if the buffer is closed, or if the disk refused the write (counted in {@link BufferMetrics#writeErrors()}).
   * May drop the oldest records to stay within the bounds (counted).
   *
   * @param timeNanos the record's own time in nanoseconds since the epoch (the sample's time, not now): it is
   *     what {@link Builder#maxAge} is measured against, and what a sender forwards as the original timestamp
   * @throws IllegalArgumentException if the payload cannot fit in a segment
   * @throws IllegalStateException if the buffer was never opened
   */
  public boolean append(byte[] payload, long timeNanos) {
    Objects.requireNonNull(payload, "payload");
    long recordBytes = RECORD_HEADER_BYTES + (long) payload.length;
    if (FILE_HEADER_BYTES + recordBytes > segmentBytes) {
      throw new IllegalArgumentException("payload.length=" + payload.length + " does not fit a segment of "
          + segmentBytes + " bytes (" + (FILE_HEADER_BYTES + RECORD_HEADER_BYTES) + " bytes of headers)");
    }
    lock.lock();
    try {
      if (closed) return false;
      if (!opened) throw new IllegalStateException("buffer '" + name + "' not opened");
      Segment active = active();
      try {
        if (active.broken || active.size + recordBytes > segmentBytes) active = roll();
      } catch (IOException e) {
        return refuse(e);
      }
      long sequence = nextSequence;
      crc.reset();
      writeHeader.clear();
      writeHeader.putInt(payload.length).putInt(0).putLong(sequence).putLong(timeNanos).flip();
      crc.update(writeHeader.array(), 8, 16);
      crc.update(payload, 0, payload.length);
      writeHeader.putInt(4, (int) crc.getValue());
      writeParts[0] = writeHeader;
      writeParts[1] = ByteBuffer.wrap(payload);
      try {
        FileChannel ch = active.channel();
        ch.position(active.size);
        long remaining = recordBytes;
        while (remaining > 0) remaining -= ch.write(writeParts);
      } catch (IOException e) {
        // Cut what may have been half written, so that later records are not read as garbage; if even that
        // fails, the next append starts a new segment and recovery will cut the tail.
        invalidateChunk(active);
        try {
          active.channel().truncate(active.size);
        } catch (IOException again) {
          active.broken = true;
        }
        return refuse(e);
      } finally {
        writeParts[1] = null;
      }
      active.size += recordBytes;
      active.lastSequence = sequence;
      active.newestTime = Math.max(active.newestTime, timeNanos);
      bytesOnDisk += recordBytes;
      nextSequence++;
      appended++;
      dropOldestBeyondSize();
      if (waiters > 0) appendedOrClosed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns up to {@code max} records not yet acknowledged, oldest first, in append order, without removing them:
   * the same records come back until they are {@linkplain #acknowledge acknowledged}. Records older than {@link
   * Builder#maxAge} at the head are dropped (counted) instead of returned. Returns an empty list when nothing is
   * pending or the buffer is closed.
   *
   * @throws IllegalArgumentException if {@code max < 1}
   */
  public List<BufferedRecord> peek(int max) {
    if (max < 1) throw new IllegalArgumentException("max < 1: " + max);
    lock.lock();
    try {
      if (closed || !opened) return Collections.emptyList();
      try {
        dropOldestBeyondAge();
        List<BufferedRecord> out = new ArrayList<>(Math.min(max, 1024));
        lastPeek.clear();
        long cutoff = ageCutoff();
        int index = headIndex;
        long offset = headOffset;
        long ageDropsBefore = droppedByAge;
        long previousSequence = consumed;
        while (out.size() < max) {
          Segment s = segments.get(index);
          if (offset >= s.size) {
            if (index == segments.size() - 1) break;
            index++;
            offset = FILE_HEADER_BYTES;
            continue;
          }
          BufferedRecord r = readRecord(s, offset);
          if (r == null) {
            cutCorrupt(s, offset, offset == FILE_HEADER_BYTES ? s.firstSequence - 1 : previousSequence);
            continue;
          }
          previousSequence = r.sequence();
          long end = offset + RECORD_HEADER_BYTES + r.payload().length;
          if (out.isEmpty() && r.timeNanos() < cutoff) {
            // Still the head: drop it as if acknowledged, but count it as what it is.
            droppedByAge++;
            consumed = r.sequence();
            headIndex = index;
            headOffset = end;
          } else {
            out.add(r);
            lastPeek.add(new PeekPosition(r.sequence(), s, end));
          }
          offset = end;
        }
        if (droppedByAge != ageDropsBefore) {
          ackFile.write(consumed);
          deleteConsumedSegments();
        }
        return out;
      } catch (IOException e) {
        throw new AifactoryException("buffer '" + name + "': cannot read " + directory + ": " + e, e);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Marks every record up to and including {@code sequence} delivered. Segments whose records are all delivered
   * are deleted. The position survives a restart. Acknowledging a sequence already acknowledged (or dropped) does
   * nothing; one beyond the last appended record acknowledges up to that record.
   */
  public void acknowledge(long sequence) {
    lock.lock();
    try {
      if (closed || !opened) return;
      long target = Math.min(sequence, nextSequence - 1);
      if (target <= consumed) return;
      delivered += countBetween(consumed, target);
      consumed = target;
      for (int i = lastPeek.size() - 1; i >= 0; i--) {
        PeekPosition p = lastPeek.get(i);
        if (p.sequence > target) continue;
        int index = segments.indexOf(p.segment);
        if (index >= 0 && (index > headIndex || (index == headIndex && p.end > headOffset))) {
          headIndex = index;
          headOffset = p.end;
        }
        break;
      }
      try {
        advanceHead();
        ackFile.write(consumed);
        deleteConsumedSegments();
      } catch (IOException e) {
        // The position in memory is right; on disk it lags, which at worst repeats records after a restart.
        writeErrors++;
        LOG.warn("Buffer '{}': cannot record the acknowledged position in {}: {}", name, directory, e.toString());
      }
    } finally {
      lock.unlock();
    }
  }

  /** Returns the number of records not yet acknowledged (nor dropped). */
  public long pending() {
    lock.lock();
    try {
      return countAfter(consumed);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until a record is pending or the buffer closes; returns whether a record is pending. For a sender that
   * would otherwise poll.
   */
  public boolean awaitPending(Duration timeout) throws InterruptedException {
    long nanos = saturatedNanos(timeout);
    lock.lock();
    try {
      waiters++;
      try {
        while (!closed && countAfter(consumed) == 0 && nanos > 0) nanos = appendedOrClosed.awaitNanos(nanos);
      } finally {
        waiters--;
      }
      return !closed && countAfter(consumed) > 0;
    } finally {
      lock.unlock();
    }
  }

  /** Forces every appended record and the acknowledged position to the storage device. */
  public void sync() {
    lock.lock();
    try {
      if (closed || !opened) return;
      try {
        forceAll();
      } catch (IOException e) {
        writeErrors++;
        throw new AifactoryException("buffer '" + name + "': cannot sync " + directory + ": " + e, e);
      }
    } finally {
      lock.unlock();
    }
  }

  public BufferMetrics metrics() {
    lock.lock();
    try {
      return new BufferMetrics(name, appended, recovered, delivered, droppedBySize, droppedByAge, corruptSkipped,
          writeErrors, countAfter(consumed), bytesOnDisk, segments.size());
    } finally {
      lock.unlock();
    }
  }

  /** Syncs and closes the files and releases the folder. Pending records stay on disk for the next {@link #open()}. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) return;
      closed = true;
      appendedOrClosed.signalAll();
      if (opened) {
        try {
          forceAll();
        } catch (IOException e) {
          writeErrors++;
          LOG.warn("Buffer '{}': cannot sync {} at close: {}", name, directory, e.toString());
        }
      }
      closeFiles();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "DiskBuffer{name=" + name + ", directory=" + directory + "}";
  }

  // ---- internals; all called with the lock held ----

  private Segment active() {
    return segments.get(segments.size() - 1);
  }

  private boolean refuse(IOException e) {
    writeErrors++;
    LOG.warn("Buffer '{}': cannot append to {}: {}", name, directory, e.toString());
    return false;
  }

  private void lockFolder() throws IOException {
    lockChannel = FileChannel.open(directory.resolve(name + ".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    try {
      fileLock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      fileLock = null;
    }
    if (fileLock == null) {
      lockChannel.close();
      lockChannel = null;
      throw new IllegalStateException("buffer '" + name + "': folder " + directory + " is in use by another buffer");
    }
  }

  private void recoverSegments() throws IOException {
    List<Segment> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Matcher m = segmentFile.matcher(p.getFileName().toString());
        if (m.matches()) found.add(new Segment(p, Long.parseLong(m.group(1))));
      }
    }
    found.sort((a, b) -> Long.compare(a.firstSequence, b.firstSequence));
    long previousLast = 0;
    for (Segment s : found) {
      if (s.firstSequence <= previousLast) {
        // Cannot happen unless files were copied in by hand; keeping order beats keeping them.
        LOG.warn("Buffer '{}': {} overlaps the segment before it; deleting it", name, s.path);
        corruptSkipped++;
        Files.deleteIfExists(s.path);
        continue;
      }
      scan(s);
      bytesOnDisk += s.size;
      segments.add(s);
      if (s.lastSequence >= s.firstSequence) previousLast = s.lastSequence;
    }
  }

  /** Checks every record of a segment found on disk and cuts the file after the last good one. */
  private void scan(Segment s) throws IOException {
    FileChannel ch = s.channel();
    long fileSize = ch.size();
    ByteBuffer fileHeader = ByteBuffer.allocate(FILE_HEADER_BYTES);
    if (readFully(ch, fileHeader, 0) < FILE_HEADER_BYTES || fileHeader.getInt(0) != FILE_MAGIC
        || fileHeader.getInt(4) != FORMAT_VERSION) {
      // A crash right after creating the file leaves it empty: nothing was in it, so nothing is reported.
      if (fileSize > 0) {
        corruptSkipped++;
        LOG.warn("Buffer '{}': {} has no valid header; its {} bytes are skipped", name, s.path, fileSize);
      }
      s.size = FILE_HEADER_BYTES;
      s.broken = true;
      return;
    }
    s.size = fileSize;
    long expected = s.firstSequence;
    long offset = FILE_HEADER_BYTES;
    while (offset < fileSize) {
      BufferedRecord r = readRecord(s, offset);
      if (r == null || r.sequence() != expected) break;
      offset += RECORD_HEADER_BYTES + r.payload().length;
      s.lastSequence = expected++;
      s.newestTime = Math.max(s.newestTime, r.timeNanos());
    }
    s.size = offset;
    if (offset < fileSize) {
      corruptSkipped++;
      LOG.warn("Buffer '{}': {} ends in a torn or damaged record at byte {} of {}; cut there ({} records kept)",
          name, s.path, offset, fileSize, s.lastSequence - s.firstSequence + 1);
      ch.truncate(offset);
      ch.force(true);
      invalidateChunk(s);
    }
  }

  private void removeEmptySegments() throws IOException {
    for (int i = segments.size() - 1; i >= 0; i--) {
      Segment s = segments.get(i);
      if (s.lastSequence < s.firstSequence) {
        segments.remove(i);
        bytesOnDisk -= s.size;
        s.delete();
      }
    }
  }

  private Segment newSegment(long firstSequence) throws IOException {
    Path path = directory.resolve(String.format("%s-%020d.seg", name, firstSequence));
    Segment s = new Segment(path, firstSequence);
    s.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.READ, StandardOpenOption.WRITE);
    ByteBuffer header = ByteBuffer.allocate(FILE_HEADER_BYTES).putInt(FILE_MAGIC).putInt(FORMAT_VERSION).flip();
    while (header.hasRemaining()) s.channel.write(header, header.position());
    s.size = FILE_HEADER_BYTES;
    bytesOnDisk += FILE_HEADER_BYTES;
    return s;
  }

  /** Completes the active segment (durably) and starts the next. */
  private Segment roll() throws IOException {
    Segment old = active();
    if (!old.broken) old.channel().force(false);
    Segment next = newSegment(nextSequence);
    segments.add(next);
    if (old.lastSequence < old.firstSequence) {
      // Never held a record (it broke at once): nothing to keep.
      removeAt(segments.size() - 2);
    }
    return next;
  }

  /** Moves the head past every record up to {@link #consumed}. */
  private void advanceHead() throws IOException {
    while (true) {
      Segment s = segments.get(headIndex);
      if (headOffset >= s.size || s.lastSequence <= consumed) {
        if (headIndex == segments.size() - 1) {
          headOffset = s.size;
          return;
        }
        headIndex++;
        headOffset = FILE_HEADER_BYTES;
        continue;
      }
      if (!ensureChunk(s, headOffset, RECORD_HEADER_BYTES)) {
        // Everything before the head is consumed already.
        cutCorrupt(s, headOffset, headOffset == FILE_HEADER_BYTES ? s.firstSequence - 1 : consumed);
        continue;
      }
      int at = (int) (headOffset - chunkStart);
      long sequence = readChunk.getLong(at + 8);
      if (sequence > consumed) return;
      headOffset += RECORD_HEADER_BYTES + (long) readChunk.getInt(at);
    }
  }

  /** Deletes the oldest segments while all their records are consumed; the active segment stays. */
  private void deleteConsumedSegments() throws IOException {
    boolean forced = false;
    while (segments.size() > 1 && segments.get(0).lastSequence <= consumed) {
      if (!forced) {
        // The position must be durable before the records that prove it are gone.
        ackFile.force();
        forced = true;
      }
      removeAt(0);
    }
  }

  private void dropOldestBeyondSize() {
    while (bytesOnDisk > maxBytes && segments.size() > 1) {
      Segment s = segments.get(0);
      long dropped = countIn(s, consumed, Long.MAX_VALUE);
      if (dropped > 0) {
        droppedBySize += dropped;
        LOG.debug("Buffer '{}': over {} bytes; dropped {} undelivered records of {}", name, maxBytes, dropped,
            s.path);
        consumed = Math.max(consumed, s.lastSequence);
      }
      try {
        removeAt(0);
        if (dropped > 0) ackFile.write(consumed);
      } catch (IOException e) {
        writeErrors++;
        LOG.warn("Buffer '{}': cannot delete {}: {}", name, s.path, e.toString());
        return;
      }
    }
  }

  private void dropOldestBeyondAge() throws IOException {
    long cutoff = ageCutoff();
    while (segments.size() > 1 && segments.get(0).newestTime < cutoff) {
      Segment s = segments.get(0);
      long dropped = countIn(s, consumed, Long.MAX_VALUE);
      droppedByAge += dropped;
      consumed = Math.max(consumed, s.lastSequence);
      removeAt(0);
      if (dropped > 0) ackFile.write(consumed);
    }
  }

  private void removeAt(int index) throws IOException {
    Segment s = segments.remove(index);
    bytesOnDisk -= s.size;
    invalidateChunk(s);
    if (headIndex > index) {
      headIndex--;
    } else if (headIndex == index) {
      headIndex = Math.min(index, segments.size() - 1);
      headOffset = FILE_HEADER_BYTES;
    }
    s.delete();
  }

  /**
   * A record that fails its check while running (the disk changed under us): the segment ends before it, and the
   * records after it are lost. Counted as one damaged region; those records leave {@link #pending()}.
   */
  private void cutCorrupt(Segment s, long offset, long lastGoodSequence) throws IOException {
    corruptSkipped++;
    LOG.warn("Buffer '{}': damaged record at byte {} of {}; the rest of the segment is skipped", name, offset, s.path);
    bytesOnDisk -= s.size - offset;
    s.size = offset;
    s.lastSequence = Math.max(s.firstSequence - 1, Math.min(s.lastSequence, lastGoodSequence));
    s.broken = true;
    invalidateChunk(s);
    try {
      s.channel().truncate(offset);
    } catch (IOException e) {
      LOG.debug("Buffer '{}': cannot cut {}: {}", name, s.path, e.toString());
    }
  }

  /** Reads and checks the record at {@code offset}; returns null if it is torn or damaged. */
  private BufferedRecord readRecord(Segment s, long offset) throws IOException {
    if (!ensureChunk(s, offset, RECORD_HEADER_BYTES)) return null;
    int at = (int) (offset - chunkStart);
    int length = readChunk.getInt(at);
    if (length < 0 || offset + RECORD_HEADER_BYTES + (long) length > s.sizeOnDisk()) return null;
    int storedCrc = readChunk.getInt(at + 4);
    long sequence = readChunk.getLong(at + 8);
    long time = readChunk.getLong(at + 16);
    if (!ensureChunk(s, offset, RECORD_HEADER_BYTES + length)) return null;
    at = (int) (offset - chunkStart);
    crc.reset();
    crc.update(readChunk.array(), readChunk.arrayOffset() + at + 8, 16 + length);
    if ((int) crc.getValue() != storedCrc) return null;
    byte[] payload = new byte[length];
    System.arraycopy(readChunk.array(), readChunk.arrayOffset() + at + RECORD_HEADER_BYTES, payload, 0, length);
    return new BufferedRecord(sequence, time, payload);
  }

  /** Makes bytes {@code [offset, offset + length)} of {@code s} available in the chunk; false if the file is shorter. */
  private boolean ensureChunk(Segment s, long offset, int length) throws IOException {
    if (s == chunkSegment && offset >= chunkStart && offset + length <= chunkStart + chunkLength) return true;
    if (length > readChunk.capacity()) readChunk = ByteBuffer.allocate(Math.max(length, READ_CHUNK_BYTES));
    readChunk.clear();
    chunkSegment = s;
    chunkStart = offset;
    long available = s.sizeOnDisk() - offset;
    readChunk.limit((int) Math.min(readChunk.capacity(), Math.max(0, available)));
    chunkLength = readFully(s.channel(), readChunk, offset);
    return chunkLength >= length;
  }

  private void invalidateChunk(Segment s) {
    if (chunkSegment == s) chunkSegment = null;
  }

  private static int readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
    int total = 0;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, position + total);
      if (n < 0) break;
      total += n;
    }
    return total;
  }

  /** Records with a sequence after {@code after}, over all segments (each segment's sequences are contiguous). */
  private long countAfter(long after) {
    return countBetween(after, Long.MAX_VALUE);
  }

  private long countBetween(long after, long upTo) {
    long n = 0;
    for (Segment s : segments) n += countIn(s, after, upTo);
    return n;
  }

  private static long countIn(Segment s, long after, long upTo) {
    long from = Math.max(after + 1, s.firstSequence);
    long to = Math.min(upTo, s.lastSequence);
    return to >= from ? to - from + 1 : 0;
  }

  private long ageCutoff() {
    Instant now = clock.instant();
    long nowNanos = saturatedEpochNanos(now);
    return nowNanos - maxAgeNanos < nowNanos ? nowNanos - maxAgeNanos : Long.MIN_VALUE;
  }

  private void forceAll() throws IOException {
    Segment active = active();
    if (!active.broken) active.channel().force(false);
    ackFile.force();
  }

  private void closeFiles() {
    for (Segment s : segments) s.closeQuietly();
    segments.clear();
    chunkSegment = null;
    lastPeek.clear();
    if (ackFile != null) ackFile.closeQuietly();
    try {
      if (fileLock != null) fileLock.release();
      if (lockChannel != null) lockChannel.close();
    } catch (IOException e) {
      LOG.debug("Buffer '{}': closing the lock file: {}", name, e.toString());
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private static long saturatedEpochNanos(Instant t) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (ArithmeticException e) {
      return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private static final class Segment {
    final Path path;
    final long firstSequence;
    long lastSequence;
    long size;
    long newestTime = Long.MIN_VALUE;
    boolean broken;
    FileChannel channel;

    Segment(Path path, long firstSequence) {
      this.path = path;
      this.firstSequence = firstSequence;
      this.lastSequence = firstSequence - 1;
    }

    FileChannel channel() throws IOException {
      if (channel == null) {
        channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      }
      return channel;
    }

    /** The valid length: what recovery, appends and cuts have established (the file may hold a torn tail). */
    long sizeOnDisk() {
      return size;
    }

    void delete() throws IOException {
      closeQuietly();
      Files.deleteIfExists(path);
    }

    void closeQuietly() {
      if (channel == null) return;
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("closing {}: {}", path, e.toString());
      }
      channel = null;
    }
  }

  private static final class PeekPosition {
    final long sequence;
    final Segment segment;
    final long end;

    PeekPosition(long sequence, Segment segment, long end) {
      this.sequence = sequence;
      this.segment = segment;
      this.end = end;
    }
  }

  /** Two alternating checksummed slots, so that a torn write of one leaves the other. */
  private static final class AckFile {
    private static final long MAGIC = 0x4146534241434b31L; // "AFSBACK1"
    private static final int SLOT_BYTES = 32;
    private final FileChannel channel;
    private final ByteBuffer slot = ByteBuffer.allocate(SLOT_BYTES);
    private final CRC32C crc = new CRC32C();
    private long generation;
    private boolean dirty;

    AckFile(Path path) throws IOException {
      channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** Returns the acknowledged sequence of the newest valid slot, 0 if none. */
    long read() throws IOException {
      ByteBuffer both = ByteBuffer.allocate(2 * SLOT_BYTES);
      readFully(channel, both, 0);
      long best = 0;
      for (int i = 0; i < 2; i++) {
        int at = i * SLOT_BYTES;
        if (both.position() < at + SLOT_BYTES) continue;
        crc.reset();
        crc.update(both.array(), at, 24);
        if (both.getLong(at + 16) != MAGIC || both.getInt(at + 24) != (int) crc.getValue()) continue;
        long gen = both.getLong(at);
        if (gen > generation) {
          generation = gen;
          best = both.getLong(at + 8);
        }
      }
      return best;
    }

    void write(long acknowledged) throws IOException {
      generation++;
      slot.clear();
      slot.putLong(generation).putLong(acknowledged).putLong(MAGIC);
      crc.reset();
      crc.update(slot.array(), 0, 24);
      slot.putInt((int) crc.getValue()).putInt(0).flip();
      long position = (generation & 1) * SLOT_BYTES;
      while (slot.hasRemaining()) channel.write(slot, position + slot.position());
      dirty = true;
    }

    void force() throws IOException {
      if (!dirty) return;
      channel.force(false);
      dirty = false;
    }

    void closeQuietly() {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("closing ack file: {}", e.toString());
      }
    }
  }

  /** Options for a {@link DiskBuffer}; {@link #directory} is required. */
  public static final class Builder {
    private Path directory;
    private String name = "buffer";
    private long maxBytes = 256L << 20;
    private Duration maxAge = Duration.ofDays(7);
    private long segmentBytes = 8L << 20;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The folder for this buffer's files, created if missing; one buffer per folder and name. */
    public Builder directory(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** The prefix of the buffer's files; letters, digits, '.', '_' and '-'. Default {@code buffer}. */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("name is not [A-Za-z0-9._-]+: " + name);
      this.name = name;
      return this;
    }

    /**
     * The most the segment files may hold; beyond it the oldest segment is dropped (counted). At least twice
     * {@link #segmentBytes}. Default 256 MiB.
     */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes <= 0) throw new IllegalArgumentException("maxBytes <= 0: " + maxBytes);
      this.maxBytes = maxBytes;
      return this;
    }

    /** How old a record (by its own time) may grow before it is dropped (counted). Default 7 days. */
    public Builder maxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxAge.isNegative() || maxAge.isZero()) throw new IllegalArgumentException("maxAge <= 0: " + maxAge);
      this.maxAge = maxAge;
      return this;
    }

    /**
     * The size at which a segment is completed (fsynced) and the next begun: the unit of durability and of
     * deletion. At least 64 bytes. Default 8 MiB.
     */
    public Builder segmentBytes(long segmentBytes) {
      if (segmentBytes < 64) throw new IllegalArgumentException("segmentBytes < 64: " + segmentBytes);
      this.segmentBytes = segmentBytes;
      return this;
    }

    /** The clock {@link #maxAge} is measured with. Default the system clock (UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Returns a buffer, not yet {@linkplain DiskBuffer#open() opened}.
     *
     * @throws IllegalStateException if no directory was given, or maxBytes &lt; 2 * segmentBytes
     */
    public DiskBuffer build() {
      if (directory == null) throw new IllegalStateException("directory is required");
      if (maxBytes < 2 * segmentBytes) {
        throw new IllegalStateException("maxBytes < 2 * segmentBytes: " + maxBytes + " < 2 * " + segmentBytes);
      }
      return new DiskBuffer(this);
    }
  }
}
