package io.aifactory.sdk.kafka;

import io.aifactory.sdk.core.AifactoryException;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.forward.BufferMetrics;
import io.aifactory.sdk.core.forward.BufferedRecord;
import io.aifactory.sdk.core.forward.DiskBuffer;
import io.aifactory.sdk.core.forward.Forwarder;
import io.aifactory.sdk.core.guard.GuardDecision;
import io.aifactory.sdk.core.guard.GuardListener;
import io.aifactory.sdk.core.guard.OperatorAction;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.AlarmListener;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.pipeline.PipelineAction;
import io.aifactory.sdk.core.record.RecordJson;
import io.aifactory.sdk.kafka.internal.Frames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what a line does to Kafka: tag samples, pipeline results, alarms and write-guard decisions, as JSON in
 * the recording format, keyed so that one machine's records stay in one partition and in order. Every record goes
 * to a {@link DiskBuffer} on local disk first and is forwarded from there, so a broker that is down for minutes or
 * days, or a gateway restarted meanwhile, loses nothing the sink accepted; records keep their own timestamps.
 *
 * <pre>{@code
 * try (KafkaSink sink = KafkaSink.newBuilder()
 *     .bootstrapServers("kafka1:9092,kafka2:9092")
 *     .plant("plant-7").line("line-1")
 *     .bufferDirectory(Path.of("/var/lib/mes/kafka-buffer"))
 *     .build()) {
 *   sink.start();
 *   plc.subscribe(tags, options, batch -> sink.recordSamples("press-1", batch));
 *   // a KafkaSink is a PipelineAction, an AlarmListener and a GuardListener: hand it to each
 * }
 * }</pre>
 *
 * <p><b>Topics and keys</b> (the schema is in the module's {@code SCHEMA.md}): samples go to {@link
 * Builder#samplesTopic} keyed {@code plant/line/device}, one Kafka record per batch; results and alarms to their
 * topics keyed {@code plant/line/machine}; guard decisions keyed {@code plant/line/guard} and operator actions keyed
 * {@code plant/line/device} to {@link Builder#decisionsTopic}. The Kafka record's timestamp is the record's own time.
 *
 * <p><b>Delivery.</b> At least once, in order per key: the producer is idempotent with {@code acks=all}; a batch
 * whose delivery is not confirmed is sent again after a backoff, so a consumer may see a record twice, never a gap
 * and never reordered first occurrences. The buffer's bounds ({@link Builder#bufferMaxBytes}, {@link
 * Builder#bufferMaxAge}) are the only thing that drops records; drops are counted in {@link #bufferMetrics()}.
 *
 * <p><b>Threads.</b> Every recording method serialises the record and appends it to the buffer on the caller's
 * thread (a file write, never the network) and returns. One thread, {@code forwarder-<name>}, started by {@link
 * #start()}, sends. Closing a pipeline closes its actions: give it {@code sink::onResult} to keep the sink open.
 */
public final class KafkaSink implements PipelineAction, AlarmListener, GuardListener {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);
  private static final Pattern KEY_PART = Pattern.compile("[^/]+");
  /** Settings a caller may not override: the sink hands the producer bytes. */
  private static final Set<String> FIXED = Set.of(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
      ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);

  private final String name;
  private final String keyPrefix;
  private final List<String> topics;
  private final Properties producerConfig;
  private final Duration closeTimeout;
  private final long sendTimeoutMillis;
  private final DiskBuffer buffer;
  private final Forwarder forwarder;
  private final RecordJson json;
  private final AtomicLong refused = new AtomicLong();
  private final Object lifecycle = new Object();
  private Producer<byte[], byte[]> producer;
  private boolean started;
  private boolean closed;

  private KafkaSink(Builder b) {
    this.name = b.name;
    this.keyPrefix = b.plant + "/" + b.line + "/";
    this.topics = List.of(b.samplesTopic, b.resultsTopic, b.alarmsTopic, b.decisionsTopic);
    this.closeTimeout = b.closeTimeout;
    this.producerConfig = producerConfig(b);
    // A send waits for the producer's own delivery timeout, plus a margin for the request in flight.
    this.sendTimeoutMillis = Long.parseLong(producerConfig.getProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG))
        + Long.parseLong(producerConfig.getProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG)) + 5_000;
    Map<String, String> context = new LinkedHashMap<>();
    context.put("plant", b.plant);
    context.put("line", b.line);
    this.json = new RecordJson(context);
    this.buffer = DiskBuffer.newBuilder().name(b.name).directory(b.bufferDirectory).maxBytes(b.bufferMaxBytes)
        .maxAge(b.bufferMaxAge).segmentBytes(Math.min(8L << 20, b.bufferMaxBytes / 4)).build();
    this.forwarder = Forwarder.newBuilder().buffer(buffer).name("kafka-" + b.name).sender(this::send)
        .batchSize(b.batchSize).minBackoff(b.minBackoff).maxBackoff(b.maxBackoff).closeTimeout(b.closeTimeout)
        .build();
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns the sink's name: its buffer's file prefix and its thread's suffix. */
  public String name() {
    return name;
  }

  /**
   * Opens the buffer (finding what a previous run left unsent, which goes first), creates the producer and starts
   * forwarding. Does not wait for the broker.
   *
   * @throws IllegalStateException if already started or closed, or the buffer folder is in use
   */
  public void start() {
    synchronized (lifecycle) {
      if (closed) throw new IllegalStateException("sink '" + name + "' is closed");
      if (started) throw new IllegalStateException("sink '" + name + "' already started");
      buffer.open();
      try {
        producer = new KafkaProducer<>(producerConfig);
      } catch (RuntimeException e) {
        buffer.close();
        throw e;
      }
      forwarder.start();
      started = true;
      long pending = buffer.pending();
      if (pending > 0) LOG.info("Kafka sink '{}': {} records from before the restart go first", name, pending);
    }
  }

  /**
   * Publishes one batch as one {@code samples} record keyed {@code plant/line/device}. Returns false if the sink
   * is not running or the disk refused the record (counted in {@link #refused()}).
   *
   * @param device the name the rows are published under: a {@code kafka://} device reads them back by it, so use
   *     the unit to keep together and in order (the device, or one call per machine with that machine's rows)
   */
  public boolean recordSamples(String device, SampleBatch batch) {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(batch, "batch");
    checkKeyPart("device", device);
    if (batch.size() == 0) return true;
    long time = Long.MIN_VALUE;
    for (int i = 0; i < batch.size(); i++) time = Math.max(time, batch.sourceTimeNanos(i));
    byte[] value;
    synchronized (json) {
      value = json.samples(device, batch, null);
    }
    return append(0, device, value, time);
  }

  /** Publishes a pipeline's result keyed {@code plant/line/machine}; a refusal is counted. */
  @Override
  public void onResult(MachineResult result) {
    offer(1, result.machine(), result, result.timeNanos());
  }

  /** Publishes an alarm raised or cleared keyed {@code plant/line/machine}; a refusal is counted. */
  @Override
  public void onAlarm(AlarmEvent event) {
    offer(2, event.machine(), event, event.timeNanos());
  }

  /** Publishes a write guard's decision keyed {@code plant/line/guard}; a refusal is counted. */
  @Override
  public void onDecision(GuardDecision decision) {
    offer(3, decision.guard(), decision, decision.timeNanos());
  }

  /** Publishes an operator's change keyed {@code plant/line/device}; a refusal is counted. */
  @Override
  public void onOperatorAction(OperatorAction action) {
    offer(3, action.device(), action, action.timeNanos());
  }

  /** Returns the buffer's counters: appended, delivered, dropped by size and age, damaged, pending, bytes. */
  public BufferMetrics bufferMetrics() {
    return buffer.metrics();
  }

  /** Returns the number of records confirmed by the broker since {@link #start()}. */
  public long sent() {
    return forwarder.sent();
  }

  /** Returns the number of failed send attempts (each retry counts): growing while the broker is unreachable. */
  public long sendFailures() {
    return forwarder.failures();
  }

  /** Returns the number of records refused: offered before {@link #start()}, after close, or refused by the disk. */
  public long refused() {
    return refused.get();
  }

  /** Waits until every accepted record is confirmed by the broker; false if {@code timeout} passed first. */
  public boolean flush(Duration timeout) throws InterruptedException {
    return forwarder.awaitDrained(timeout);
  }

  /**
   * Stops forwarding and closes the producer and the buffer. Records not yet confirmed stay on disk and are sent
   * first by the next sink started on the same folder. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) return;
      closed = true;
    }
    forwarder.close();
    if (producer != null) {
      try {
        producer.close(closeTimeout);
      } catch (RuntimeException e) {
        LOG.debug("Kafka sink '{}': closing the producer: {}", name, e.toString());
      }
    }
    long left = buffer.pending();
    buffer.close();
    LOG.info("Kafka sink '{}' closed: sent {}, {} left in the buffer for the next start", name, forwarder.sent(),
        left);
  }

  @Override
  public String toString() {
    return "KafkaSink{name=" + name + ", key=" + keyPrefix + "..., topics=" + topics + "}";
  }

  private void offer(int topic, String key, Object record, long timeNanos) {
    Objects.requireNonNull(record, "record");
    byte[] value;
    synchronized (json) {
      value = json.record(record);
    }
    append(topic, key, value, timeNanos);
  }

  private boolean append(int topic, String key, byte[] value, long timeNanos) {
    boolean running;
    synchronized (lifecycle) {
      running = started && !closed;
    }
    if (running && buffer.append(Frames.encode(topic, (keyPrefix + key).getBytes(StandardCharsets.UTF_8), value),
        timeNanos)) {
      return true;
    }
    refused.incrementAndGet();
    return false;
  }

  /** On the forwarder's thread: sends a batch and waits until the broker has confirmed every record. */
  private boolean send(List<BufferedRecord> batch) throws InterruptedException {
    List<Future<RecordMetadata>> futures = new ArrayList<>(batch.size());
    try {
      for (BufferedRecord r : batch) {
        Frames.Frame f = Frames.decode(r.payload());
        long millis = Math.floorDiv(r.timeNanos(), 1_000_000L);
        Future<RecordMetadata> sent =
            producer.send(new ProducerRecord<>(topics.get(f.topic()), null, millis, f.key(), f.value()));
        // A broker that cannot be reached fails each send only after max.block.ms: stop at the first, or a batch
        // of 500 would take 500 times as long to notice the outage.
        if (sent.isDone()) sent.get();
        futures.add(sent);
      }
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(sendTimeoutMillis);
      for (Future<RecordMetadata> future : futures) {
        future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
      return true;
    } catch (ExecutionException e) {
      throw new AifactoryException("sink '" + name + "': " + e.getCause(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AifactoryException("sink '" + name + "': no confirmation within " + sendTimeoutMillis + " ms", e);
    }
  }

  private static void checkKeyPart(String what, String value) {
    if (!KEY_PART.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " is empty or contains '/': '" + value + "'");
    }
  }

  private static Properties producerConfig(Builder b) {
    Properties p = new Properties();
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    // A link that is down must surface as a failed batch within seconds, so that the forwarder backs off, rather
    // than as a producer that holds records in memory for minutes: the disk is where records wait.
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "aifactory-" + b.name);
    p.putAll(b.producerOverrides);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /** Options for a {@link KafkaSink}; bootstrapServers, plant, line and bufferDirectory are required. */
  public static final class Builder {
    private String bootstrapServers;
    private String plant;
    private String line;
    private Path bufferDirectory;
    private String name = "kafka";
    private String samplesTopic = "aifactory.samples";
    private String resultsTopic = "aifactory.results";
    private String alarmsTopic = "aifactory.alarms";
    private String decisionsTopic = "aifactory.decisions";
    private long bufferMaxBytes = 256L << 20;
    private Duration bufferMaxAge = Duration.ofDays(7);
    private int batchSize = 500;
    private Duration minBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration closeTimeout = Duration.ofSeconds(10);
    private final Map<String, String> producerOverrides = new LinkedHashMap<>();

    private Builder() {}

    /** The brokers to connect to first, {@code host:port[,host:port...]}. */
    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      return this;
    }

    /** The plant's identifier, the first part of every key; no '/'. */
    public Builder plant(String plant) {
      checkKeyPart("plant", Objects.requireNonNull(plant, "plant"));
      this.plant = plant;
      return this;
    }

    /** The line's identifier, the second part of every key; no '/'. */
    public Builder line(String line) {
      checkKeyPart("line", Objects.requireNonNull(line, "line"));
      this.line = line;
      return this;
    }

    /** The folder of the store-and-forward buffer; one sink per folder. */
    public Builder bufferDirectory(Path bufferDirectory) {
      this.bufferDirectory = Objects.requireNonNull(bufferDirectory, "bufferDirectory");
      return this;
    }

    /** The sink's name: its buffer files' prefix and its client id's suffix. Default {@code kafka}. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Default {@code aifactory.samples}. */
    public Builder samplesTopic(String topic) {
      this.samplesTopic = Objects.requireNonNull(topic, "topic");
      return this;
    }

    /** Default {@code aifactory.results}. */
    public Builder resultsTopic(String topic) {
      this.resultsTopic = Objects.requireNonNull(topic, "topic");
      return this;
    }

    /** Default {@code aifactory.alarms}. */
    public Builder alarmsTopic(String topic) {
      this.alarmsTopic = Objects.requireNonNull(topic, "topic");
      return this;
    }

    /** Guard decisions and operator actions. Default {@code aifactory.decisions}. */
    public Builder decisionsTopic(String topic) {
      this.decisionsTopic = Objects.requireNonNull(topic, "topic");
      return this;
    }

    /** The most the buffer keeps on disk; beyond it the oldest records are dropped (counted). Default 256 MiB. */
    public Builder bufferMaxBytes(long bufferMaxBytes) {
      if (bufferMaxBytes < 1024) throw new IllegalArgumentException("bufferMaxBytes < 1024: " + bufferMaxBytes);
      this.bufferMaxBytes = bufferMaxBytes;
      return this;
    }

    /** How old a record may grow in the buffer before it is dropped (counted). Default 7 days. */
    public Builder bufferMaxAge(Duration bufferMaxAge) {
      this.bufferMaxAge = Objects.requireNonNull(bufferMaxAge, "bufferMaxAge");
      return this;
    }

    /** The most records sent before waiting for the broker's confirmation. Default 500. */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) throw new IllegalArgumentException("batchSize < 1: " + batchSize);
      this.batchSize = batchSize;
      return this;
    }

    /** The first wait after a failed send, doubling up to {@code max}. Defaults 200 ms and 30 s. */
    public Builder retryBackoff(Duration min, Duration max) {
      this.minBackoff = Objects.requireNonNull(min, "min");
      this.maxBackoff = Objects.requireNonNull(max, "max");
      return this;
    }

    /** How long {@link KafkaSink#close()} waits for a send in progress and for the producer. Default 10 s. */
    public Builder closeTimeout(Duration closeTimeout) {
      this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
      return this;
    }

    /**
     * Sets a producer property (security, compression, timeouts), e.g. {@code security.protocol}. Serializers and
     * bootstrap servers are the sink's own. Turning idempotence or {@code acks=all} off weakens the guarantees.
     *
     * @throws IllegalArgumentException for a serializer or bootstrap.servers
     */
    public Builder producerProperty(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (FIXED.contains(key)) throw new IllegalArgumentException("producer property is fixed by the sink: " + key);
      producerOverrides.put(key, value);
      return this;
    }

    /**
     * Returns a sink, not yet started.
     *
     * @throws IllegalStateException if a required option is missing
     */
    public KafkaSink build() {
      if (bootstrapServers == null) throw new IllegalStateException("bootstrapServers is required");
      if (plant == null) throw new IllegalStateException("plant is required");
      if (line == null) throw new IllegalStateException("line is required");
      if (bufferDirectory == null) throw new IllegalStateException("bufferDirectory is required");
      return new KafkaSink(this);
    }
  }
}
