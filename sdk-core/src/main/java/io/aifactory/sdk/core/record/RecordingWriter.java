package io.aifactory.sdk.core.record;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorder's writer thread: takes records from the queue, writes them to files, rotates, keeps the manifest
 * and applies retention. Everything here runs on that one thread (or on the caller of {@code close()} if the
 * recorder was never started), so none of its state is shared.
 *
 * <p><b>Why files are a sequence of gzip members.</b> Lines are serialised into a chunk in memory, and each chunk
 * is compressed on its own and written at a known position. A gzip file may hold any number of members, and every
 * reader (GZIPInputStream, Python's gzip, pandas, zcat) reads them as one stream. So when the disk fails halfway
 * through a chunk, the chunk is still in memory, the file is still valid up to the last whole member, and the
 * retry writes the chunk again at the same position: nothing accepted is lost, and no half-written bytes reach a
 * completed file (it is truncated to its last whole member before the rename).
 */
final class RecordingWriter implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);

  /** The most uncompressed bytes compressed into one gzip member. */
  static final int MAX_CHUNK_BYTES = 1 << 20;
  /** How long lines wait in memory when records only trickle in; fewer, larger members compress better. */
  static final long FLUSH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final DateTimeFormatter FILE_STAMP =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final JsonFactory JSON = new JsonFactory();

  private final String name;
  private final Path directory;
  private final long rotateAtBytes;
  private final long rotateEveryNanos;
  private final int retainFiles;
  private final long retainBytes;
  private final RecordQueue queue;
  private final int maxTake;
  private final Counters counters;
  private final RecordFormat format = new RecordFormat();

  // Lines serialised but not on disk yet; written as one gzip member.
  private final Bytes chunk = new Bytes(64 * 1024);
  private final Stats chunkStats = new Stats();
  private final int chunkLimit;
  private long chunkStartedNanos;
  // One record is serialised here first, so a record that fails half-way leaves nothing in the chunk.
  private final Bytes line = new Bytes(512);
  private JsonGenerator lineJson = newGenerator(line);

  private final Manifest manifest = new Manifest();
  private boolean manifestLoaded;
  private boolean manifestDirty;
  private OpenFile current;
  private int sequence;

  private boolean failing;
  private long failedAttempts;
  private long backoffNanos;
  private volatile boolean closeRequested;
  private volatile long closeDeadlineNanos;

  RecordingWriter(String name, Path directory, long rotateAtBytes, long rotateEveryNanos, int retainFiles,
      long retainBytes, RecordQueue queue, int queueCapacity, Counters counters) {
    this.name = name;
    this.directory = directory;
    this.rotateAtBytes = rotateAtBytes;
    this.rotateEveryNanos = rotateEveryNanos;
    this.retainFiles = retainFiles;
    this.retainBytes = retainBytes;
    this.queue = queue;
    // Taking many records per lock is cheaper, but what the writer holds is not in the queue: never more than it.
    this.maxTake = Math.min(1024, queueCapacity);
    this.counters = counters;
    // Compressed JSON is several times smaller than the chunk, so a file overshoots rotateAtBytes by less than this.
    this.chunkLimit = (int) Math.min(MAX_CHUNK_BYTES, rotateAtBytes);
  }

  /** Asks the writer to finish: drain the (closed) queue, complete the file, and give up retrying at the deadline. */
  void requestClose(long deadlineNanos) {
    closeDeadlineNanos = deadlineNanos;
    closeRequested = true;
  }

  @Override
  public void run() {
    List<Object> taken = new ArrayList<>();
    int next = 0;
    while (true) {
      try {
        // Finish what a failure interrupted before anything new, so files complete in order.
        if (current != null && current.completing) complete();
        if (manifestDirty) writeManifest();
        while (next < taken.size() && chunk.size() < chunkLimit) add(taken.get(next++));
        if (next == taken.size()) {
          taken.clear();
          next = 0;
        }
        long now = System.nanoTime();
        if (chunk.size() >= chunkLimit) {
          flush();
        } else if (current != null && now - current.openedNanos >= rotateEveryNanos) {
          complete();
        } else if (chunkStats.records > 0 && now - chunkStartedNanos >= FLUSH_INTERVAL_NANOS) {
          flush();
        } else if (taken.isEmpty()) {
          if (queue.isClosedAndEmpty()) {
            finish();
            return;
          }
          queue.drainTo(taken, maxTake, IDLE_WAIT_NANOS);
        }
      } catch (IOException | UncheckedIOException e) {
        if (!retryAfter(e)) {
          giveUp(taken.size() - next, e);
          return;
        }
      } catch (InterruptedException e) {
        // Only close() stops the writer, and it does so through the queue: an interrupt from elsewhere is ignored
        // rather than allowed to drop what is queued.
        LOG.debug("recorder '{}' writer interrupted; carrying on until close()", name);
      }
    }
  }

  private void add(Object entry) {
    line.reset();
    try {
      format.write(lineJson, entry);
      lineJson.flush();
    } catch (IOException | RuntimeException e) {
      // One record that cannot be written as JSON must not stop the ones behind it.
      counters.lost.incrementAndGet();
      LOG.warn("recorder '{}' could not serialise a {}; skipped it", name, entry.getClass().getSimpleName(), e);
      lineJson = newGenerator(line);
      return;
    }
    if (chunkStats.records == 0) chunkStartedNanos = System.nanoTime();
    chunk.write(line.array(), 0, line.size());
    chunk.write('\n');
    chunkStats.add(RecordFormat.typeIndex(entry), RecordFormat.timeNanos(entry));
  }

  /** Writes the chunk, then completes the file if it reached {@code rotateAtBytes}. */
  private void flush() throws IOException {
    writeChunk();
    if (current != null && current.committed >= rotateAtBytes) complete();
  }

  private void writeChunk() throws IOException {
    if (chunkStats.records == 0) return;
    if (current == null) open();
    byte[] member = gzip(chunk.array(), chunk.size());
    writeAt(current.channel, member, current.committed);
    current.committed += member.length;
    current.stats.addAll(chunkStats);
    counters.recorded.addAndGet(chunkStats.records);
    chunk.reset();
    chunkStats.clear();
    succeeded();
  }

  private void open() throws IOException {
    loadManifest();
    Files.createDirectories(directory);
    Instant now = Instant.now();
    String fileName;
    Path done;
    Path part;
    do {
      sequence++;
      fileName = String.format(Locale.ROOT, "%s-%s-%06d.jsonl.gz", name, FILE_STAMP.format(now), sequence);
      done = directory.resolve(fileName);
      part = directory.resolve(fileName + ".part");
    } while (Files.exists(done) || Files.exists(part));
    FileChannel channel = FileChannel.open(part, CREATE_NEW, WRITE);
    try {
      line.reset();
      format.writeHeader(lineJson, name, now.getEpochSecond() * 1_000_000_000L + now.getNano());
      lineJson.flush();
      line.write('\n');
      byte[] header = gzip(line.array(), line.size());
      writeAt(channel, header, 0);
      current = new OpenFile(fileName, part, done, channel, header.length, System.nanoTime());
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      try {
        Files.deleteIfExists(part);
      } catch (IOException ignored) {
        // The next attempt picks another name; a stray empty .part is harmless.
      }
      throw e;
    }
  }

  /**
   * Completes the current file: last chunk, truncate to the last whole member, fsync, rename, manifest, retention.
   * Safe to call again after a failure at any step; it resumes where it stopped.
   */
  private void complete() throws IOException {
    OpenFile f = current;
    f.completing = true;
    if (f.channel != null) {
      writeChunk();
      f.channel.truncate(f.committed);
      f.channel.force(true);
      FileChannel channel = f.channel;
      f.channel = null;
      channel.close();
    }
    try {
      Files.move(f.part, f.done, ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      if (Files.exists(f.part)) throw e;
      // Someone deleted the unfinished file (or its folder) while we wrote to it: nothing to rename, ever.
      current = null;
      counters.writeErrors.incrementAndGet();
      LOG.warn("recorder '{}': {} was removed before it was complete; its {} records are gone", name, f.part,
          f.stats.records);
      return;
    }
    syncDirectory();
    current = null;
    manifest.add(f.entry(format));
    counters.filesCompleted.incrementAndGet();
    manifestDirty = true;
    applyRetention();
    writeManifest();
  }

  /** At close: write what is left and complete the file. */
  private void finish() throws IOException {
    writeChunk();
    if (current != null) complete();
    if (manifestDirty) writeManifest();
  }

  /** Deletes the oldest completed files beyond the limits; the newest completed file is always kept. */
  private void applyRetention() {
    while (manifest.files().size() > 1
        && (manifest.files().size() > retainFiles || manifest.totalBytes() > retainBytes)) {
      Manifest.Entry oldest = manifest.files().get(0);
      boolean deleted;
      try {
        deleted = Files.deleteIfExists(directory.resolve(oldest.file()));
      } catch (IOException e) {
        counters.writeErrors.incrementAndGet();
        LOG.warn("recorder '{}' could not delete {} for retention ({}); will try again at the next rotation", name,
            oldest.file(), e.toString());
        return;
      }
      manifest.removeOldest();
      manifestDirty = true;
      if (deleted) counters.filesDeleted.incrementAndGet();
    }
  }

  private void writeManifest() throws IOException {
    Files.createDirectories(directory);
    Path tmp = directory.resolve(Manifest.FILE_NAME + ".tmp");
    byte[] json = manifest.toJson(name);
    try (FileChannel channel = FileChannel.open(tmp, CREATE, WRITE, TRUNCATE_EXISTING)) {
      writeAt(channel, json, 0);
      channel.force(true);
    }
    Files.move(tmp, directory.resolve(Manifest.FILE_NAME), ATOMIC_MOVE);
    syncDirectory();
    manifestDirty = false;
    succeeded();
  }

  /** Reads the manifest a previous run left, so its files stay listed and count for retention. */
  private void loadManifest() throws IOException {
    if (manifestLoaded) return;
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(directory.resolve(Manifest.FILE_NAME));
    } catch (NoSuchFileException e) {
      manifestLoaded = true;
      return;
    }
    List<Manifest.Entry> entries;
    try {
      entries = Manifest.parse(bytes);
    } catch (IOException e) {
      LOG.warn("recorder '{}': {} is not a manifest ({}); starting a new one", name,
          directory.resolve(Manifest.FILE_NAME), e.toString());
      entries = List.of();
    }
    for (Manifest.Entry entry : entries) {
      // Only plain names of files still there: a manifest must never steer retention outside the folder.
      Path file = Path.of(entry.file()).getFileName();
      if (file != null && file.toString().equals(entry.file()) && entry.file().endsWith(".jsonl.gz")
          && Files.isRegularFile(directory.resolve(file))) {
        manifest.add(entry);
      }
    }
    manifestLoaded = true;
  }

  /** Counts and reports a failure, then waits before the retry; returns false when close() has waited enough. */
  private boolean retryAfter(Exception e) {
    counters.writeErrors.incrementAndGet();
    failedAttempts++;
    if (!failing) {
      failing = true;
      LOG.warn("recorder '{}' cannot write to {} ({}); keeping accepted records in memory and retrying", name,
          directory, e.toString());
    }
    if (closeRequested && System.nanoTime() - closeDeadlineNanos >= 0) return false;
    backoffNanos = backoffNanos == 0 ? MIN_BACKOFF_NANOS : Math.min(2 * backoffNanos, MAX_BACKOFF_NANOS);
    // close() unparks the writer, so a closing recorder retries at once instead of sleeping out the backoff.
    LockSupport.parkNanos(this, backoffNanos);
    return true;
  }

  private void succeeded() {
    if (failing) {
      failing = false;
      LOG.info("recorder '{}' writes to {} again after {} failed attempt(s)", name, directory, failedAttempts);
    }
    failedAttempts = 0;
    backoffNanos = 0;
  }

  /** The disk still fails at the close deadline: count what could not be written, and say so. */
  private void giveUp(int takenLeft, Exception cause) {
    long unwritten = chunkStats.records + takenLeft + queue.size();
    counters.lost.addAndGet(unwritten);
    StringBuilder what = new StringBuilder();
    if (current != null) {
      if (current.channel != null) closeQuietly(current.channel);
      what.append("; ").append(current.stats.records).append(" records written to ").append(current.part)
          .append(" were left there (gzip members, readable up to the last whole one)");
    }
    LOG.warn("recorder '{}' closed with {} accepted records not written: {} still fails ({}){}", name, unwritten,
        directory, cause.toString(), what);
  }

  private void syncDirectory() {
    // Makes the rename itself durable. Not every platform can open a directory (Windows cannot): best effort.
    try (FileChannel dir = FileChannel.open(directory, READ)) {
      dir.force(true);
    } catch (IOException | RuntimeException ignored) {
      // the file's own fsync already happened; this only narrows the window after a power cut
    }
  }

  private static void writeAt(FileChannel channel, byte[] bytes, long position) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long at = position;
    while (buffer.hasRemaining()) at += channel.write(buffer, at);
  }

  private static byte[] gzip(byte[] bytes, int length) throws IOException {
    Bytes out = new Bytes(length / 4 + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192)) {
      gzip.write(bytes, 0, length);
    }
    return out.toByteArray();
  }

  private static JsonGenerator newGenerator(Bytes out) {
    try {
      JsonGenerator json = JSON.createGenerator(out);
      json.setRootValueSeparator(null); // lines end in '\n', written by us; no space between root values
      return json;
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory stream does not fail
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // already failing; the caller reports the first error
    }
  }

  /** A ByteArrayOutputStream whose array can be read without a copy. */
  static final class Bytes extends ByteArrayOutputStream {
    Bytes(int size) {
      super(size);
    }

    byte[] array() {
      return buf;
    }
  }

  /** Record counts per type and the earliest and latest record time. */
  static final class Stats {
    final long[] counts = new long[RecordFormat.TYPES.size()];
    long records;
    long firstNanos = Long.MAX_VALUE;
    long lastNanos = Long.MIN_VALUE;

    void add(int type, long timeNanos) {
      counts[type]++;
      records++;
      firstNanos = Math.min(firstNanos, timeNanos);
      lastNanos = Math.max(lastNanos, timeNanos);
    }

    void addAll(Stats other) {
      for (int i = 0; i < counts.length; i++) counts[i] += other.counts[i];
      records += other.records;
      firstNanos = Math.min(firstNanos, other.firstNanos);
      lastNanos = Math.max(lastNanos, other.lastNanos);
    }

    void clear() {
      Arrays.fill(counts, 0);
      records = 0;
      firstNanos = Long.MAX_VALUE;
      lastNanos = Long.MIN_VALUE;
    }
  }

  /** The file being written, from open to rename. */
  private static final class OpenFile {
    final String fileName;
    final Path part;
    final Path done;
    final long openedNanos;
    final Stats stats = new Stats();
    FileChannel channel;
    long committed;
    boolean completing;

    OpenFile(String fileName, Path part, Path done, FileChannel channel, long committed, long openedNanos) {
      this.fileName = fileName;
      this.part = part;
      this.done = done;
      this.channel = channel;
      this.committed = committed;
      this.openedNanos = openedNanos;
    }

    Manifest.Entry entry(RecordFormat format) {
      Map<String, Long> counts = new LinkedHashMap<>();
      for (int i = 0; i < stats.counts.length; i++) counts.put(RecordFormat.TYPES.get(i), stats.counts[i]);
      long first = stats.records == 0 ? 0 : stats.firstNanos;
      long last = stats.records == 0 ? 0 : stats.lastNanos;
      return new Manifest.Entry(fileName, committed, stats.records, counts, format.iso(first), first,
          format.iso(last), last);
    }
  }
}
