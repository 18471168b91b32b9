package io.aifactory.sdk.benchmarks;

import io.aifactory.sdk.core.forward.BufferedRecord;
import io.aifactory.sdk.core.forward.DiskBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Store-and-forward cost per record: {@link DiskBuffer} append, then peek and acknowledge in batches as a forwarder
 * does (the link up: the buffer drains as fast as it fills), versus the plain alternative, a bare {@link
 * FileChannel} append of length + payload with no checksum, no read back and no acknowledgement. Results are per
 * record ({@code OperationsPerInvocation}); run with {@code -prof gc} for bytes per record. The broker is not in
 * this benchmark: it measures what the buffer adds in front of any sender.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DiskBufferBenchmark {
  private static final int BATCH = 500;

  /** About one sample row of JSON. */
  @Param({"256"})
  int payloadBytes;

  private Path dir;
  private DiskBuffer buffer;
  private FileChannel plain;
  private byte[] payload;
  private ByteBuffer header;
  private long time;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("diskbuffer-bench");
    buffer = DiskBuffer.newBuilder().directory(dir.resolve("buffer")).build();
    buffer.open();
    plain = FileChannel.open(dir.resolve("plain.log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    payload = new byte[payloadBytes];
    for (int i = 0; i < payload.length; i++) payload[i] = (byte) ('a' + i % 26);
    header = ByteBuffer.allocate(4);
    time = System.currentTimeMillis() * 1_000_000L;
  }

  @TearDown(Level.Iteration)
  public void truncatePlain() throws IOException {
    plain.truncate(0); // keep the plain file from growing without bound, as the buffer's acks do
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    buffer.close();
    plain.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Our path: append a batch, read it back oldest first, acknowledge it (deleting segments as they empty). */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long bufferAppendPeekAck() {
    for (int i = 0; i < BATCH; i++) buffer.append(payload, time + i);
    List<BufferedRecord> out = buffer.peek(BATCH);
    long last = out.get(out.size() - 1).sequence();
    buffer.acknowledge(last);
    return last;
  }

  /** Our path, writing only: what a device thread pays while the link is down. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long bufferAppendOnly() {
    for (int i = 0; i < BATCH; i++) buffer.append(payload, time + i);
    // keep the backlog bounded so that the measurement is not the size bound dropping segments
    List<BufferedRecord> out = buffer.peek(1);
    buffer.acknowledge(Long.MAX_VALUE);
    return out.size();
  }

  /** The plain alternative: a length-prefixed append with a write call per record, nothing else. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long plainFileAppend() throws IOException {
    long n = 0;
    for (int i = 0; i < BATCH; i++) {
      header.clear();
      header.putInt(0, payload.length);
      n += plain.write(new ByteBuffer[] {header, ByteBuffer.wrap(payload)});
    }
    return n;
  }
}
