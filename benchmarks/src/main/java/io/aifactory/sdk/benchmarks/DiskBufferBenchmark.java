package io.aifactory.sdk.benchmarks;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.forward.BufferedRecord;
import io.aifactory.sdk.core.forward.DiskBuffer;
import io.aifactory.sdk.kafka.KafkaSink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
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
 * record ({@code OperationsPerInvocation}); run with {@code -prof gc} for bytes per record.
 *
 * <p>Then the same path to a live broker (an in-process KRaft Kafka broker, {@link LiveBroker}, started only for the
 * benchmarks that use it): {@link #sinkToLiveBroker} pushes sample records through a {@link KafkaSink} (JSON, disk
 * buffer, forwarder, idempotent producer, {@code acks=all}) until the broker confirmed them, against {@link
 * #producerToLiveBroker}, the same bytes sent by a bare producer with the same settings and no disk; and {@link
 * #drainBacklog} times a sink that starts with a backlog on disk (made while the broker was unreachable) until the
 * broker confirmed all of it. Run: {@code java -jar benchmarks/target/benchmarks.jar DiskBufferBenchmark -prof gc}.
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

  // ------------------------------------------------------------------------------------ to a live broker

  /** Sample records as a line publishes them: one machine's three tags per record. */
  static SampleBatch samples(long timeNanos) {
    return SampleBatch.newBuilder(3).add(SPEED, 1234.5, Quality.GOOD, timeNanos)
        .add(CURRENT, 12.3, Quality.GOOD, timeNanos).add(TEMPERATURE, 44.7, Quality.GOOD, timeNanos)
        .receiveTimeNanos(timeNanos).build();
  }

  private static final Tag SPEED = Tag.of("m1.speed", "holding:20:float32", DataType.FLOAT32);
  private static final Tag CURRENT = Tag.of("m1.current", "holding:22:float32", DataType.FLOAT32);
  private static final Tag TEMPERATURE = Tag.of("m1.temperature", "holding:24:float32", DataType.FLOAT32);
  private static final String TOPIC = "bench.samples";
  private static final int BACKLOG = 20_000;

  /** One in-process KRaft broker (controller and broker in one node) for the whole run. */
  @State(Scope.Benchmark)
  public static class LiveBroker {
    KafkaClusterTestKit kit;
    String servers;

    @Setup(Level.Trial)
    public void start() throws Exception {
      kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
          .setNumControllerNodes(1).build())
          .setConfigProp("offsets.topic.replication.factor", "1")
          .setConfigProp("transaction.state.log.replication.factor", "1")
          .setConfigProp("transaction.state.log.min.isr", "1")
          .build();
      kit.format();
      kit.startup();
      kit.waitForReadyBrokers();
      servers = kit.bootstrapServers();
      Properties p = new Properties();
      p.put("bootstrap.servers", servers);
      try (Admin admin = Admin.create(p)) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 4, (short) 1))).all().get();
      }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
      kit.close();
    }
  }

  /** A running sink to the live broker, and a bare producer with the sink's producer settings. */
  @State(Scope.Thread)
  public static class LiveSink {
    Path dir;
    KafkaSink sink;
    KafkaProducer<byte[], byte[]> producer;
    byte[] key;
    byte[] value;
    long time;

    @Setup(Level.Trial)
    public void start(LiveBroker broker) throws IOException {
      dir = Files.createTempDirectory("kafkasink-bench");
      sink = KafkaSink.newBuilder().bootstrapServers(broker.servers).plant("p1").line("l1").bufferDirectory(dir)
          .samplesTopic(TOPIC).build();
      sink.start();
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.servers);
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      producer = new KafkaProducer<>(p);
      key = "p1/l1/m1".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      time = System.currentTimeMillis() * 1_000_000L;
      // The bare producer sends what the sink sends: the same JSON record, serialised once here.
      value = new io.aifactory.sdk.core.record.RecordJson(java.util.Map.of("plant", "p1", "line", "l1"))
          .samples("m1", samples(time), null);
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
      producer.close();
      sink.close();
      delete(dir);
    }
  }

  /**
   * Our path to a live broker: 500 sample records accepted by the sink (serialised, appended to disk), forwarded and
   * confirmed by the broker ({@code flush} returns once the buffer is empty). Per record.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long sinkToLiveBroker(LiveSink s) throws InterruptedException {
    for (int i = 0; i < BATCH; i++) s.sink.recordSamples("m1", samples(s.time + i));
    if (!s.sink.flush(Duration.ofSeconds(60))) throw new IllegalStateException("broker did not confirm in 60 s");
    return s.sink.sent();
  }

  /** The plain alternative: the same 500 records (already serialised) from a bare producer, then flush. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long producerToLiveBroker(LiveSink s) {
    for (int i = 0; i < BATCH; i++) {
      s.producer.send(new ProducerRecord<>(TOPIC, null, (s.time + i) / 1_000_000L, s.key, s.value));
    }
    s.producer.flush();
    return BATCH;
  }

  /** A sink's folder holding a backlog of {@link #BACKLOG} records, made while the broker was unreachable. */
  @State(Scope.Thread)
  public static class Backlog {
    Path dir;
    KafkaSink sink;

    @Setup(Level.Invocation)
    public void fill() throws IOException {
      dir = Files.createTempDirectory("kafkasink-backlog");
      int dead;
      try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
        dead = socket.getLocalPort(); // nothing listens there once closed
      }
      KafkaSink offline = KafkaSink.newBuilder().bootstrapServers("127.0.0.1:" + dead).plant("p1").line("l1")
          .bufferDirectory(dir).samplesTopic(TOPIC).closeTimeout(Duration.ofSeconds(1))
          .producerProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "100").build();
      offline.start();
      long time = System.currentTimeMillis() * 1_000_000L;
      for (int i = 0; i < BACKLOG; i++) offline.recordSamples("m" + i % 8, samples(time + i));
      offline.close();
    }

    @TearDown(Level.Invocation)
    public void clean() throws IOException {
      if (sink != null) sink.close();
      delete(dir);
    }
  }

  /**
   * Draining a backlog: a sink starts on a folder holding 20 000 records and runs until the broker confirmed them
   * all. Per record drained; includes the producer's start and first metadata request (a few ms against the
   * whole drain).
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 2, batchSize = 1)
  @Measurement(iterations = 5, batchSize = 1)
  @OperationsPerInvocation(BACKLOG)
  public long drainBacklog(LiveBroker broker, Backlog b) throws InterruptedException {
    b.sink = KafkaSink.newBuilder().bootstrapServers(broker.servers).plant("p1").line("l1").bufferDirectory(b.dir)
        .samplesTopic(TOPIC).build();
    b.sink.start();
    if (!b.sink.flush(Duration.ofMinutes(2))) throw new IllegalStateException("not drained: " + b.sink.bufferMetrics());
    return b.sink.sent();
  }

  static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
