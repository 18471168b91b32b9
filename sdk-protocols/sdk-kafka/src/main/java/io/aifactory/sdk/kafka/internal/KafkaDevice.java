package io.aifactory.sdk.kafka.internal;

import io.aifactory.sdk.core.AddressException;
import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceException;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.SampleListener;
import io.aifactory.sdk.core.StateListener;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.spi.ConnectionTracker;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code kafka://} device: one consumer, one member of its group, on one thread {@code kafka-<topic>-<group>}
 * started by the first subscription (so that nothing is consumed before anyone listens).
 *
 * <p>Each record is one batch of one source (key {@code plant/line/device}); every subscription that has tags of
 * that key gets a batch of exactly those tags, in its own order. Offsets are committed after the listeners have
 * returned, so a record is delivered at least once across instance failures. Where this instance's view of a
 * source begins in mid-stream (a partition moved here from another instance, or came back), one BAD batch
 * (DISCONNECTED, "gap: ...") goes first, so that a window never joins rows across the gap.
 */
public final class KafkaDevice implements Device {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaDevice.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final String PROPERTY_PREFIX = "kafka.";

  private final URI uri;
  private final String topic;
  private final String group;
  private final Properties config;
  private final ConnectionTracker tracker = new ConnectionTracker(this);
  private final List<KafkaSubscription> subscriptions = new CopyOnWriteArrayList<>();
  /** The last record of every key this instance has consumed, for {@link #read}. */
  private final Map<String, SamplesRecord> latest = new ConcurrentHashMap<>();
  private final Object lifecycle = new Object();
  private Thread thread;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile boolean closed;

  // Consumer thread only.
  private boolean assignedOnce;
  /** Per partition held: the keys seen since it was assigned, and whether it arrived in mid-stream. */
  private final Map<TopicPartition, Set<String>> seenSinceAssigned = new HashMap<>();
  private final Set<TopicPartition> arrivedMidStream = new HashSet<>();
  private final Set<String> everSeen = new HashSet<>();

  public KafkaDevice(URI uri, DeviceOptions options, String servers, String topic, String group, String offset) {
    this.uri = uri;
    this.topic = topic;
    this.group = group;
    Properties p = new Properties();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offset);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Cooperative: a rebalance moves only the partitions that change owner, so the others keep their windows.
    p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "aifactory-" + group);
    for (Map.Entry<String, String> e : options.properties().entrySet()) {
      if (e.getKey().startsWith(PROPERTY_PREFIX)) p.put(e.getKey().substring(PROPERTY_PREFIX.length()), e.getValue());
    }
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.config = p;
  }

  /** Splits {@code plant/line/device/tag} into the record key and the tag's published name. */
  public static String[] parseAddress(String address) {
    int slash = address.lastIndexOf('/');
    if (slash <= 0 || slash == address.length() - 1 || address.startsWith("/") || address.contains("//")) {
      throw new AddressException("kafka address '" + address + "': expected plant/line/device/tag");
    }
    return new String[] {address.substring(0, slash), address.substring(slash + 1)};
  }

  @Override
  public URI uri() {
    return uri;
  }

  /**
   * Answers from the last record of each tag's key that this instance consumed (with that record's own times), or
   * a BAD row (DISCONNECTED) when it has none: a kafka device has no value of its own to read.
   */
  @Override
  public CompletableFuture<SampleBatch> read(List<Tag> tags) {
    if (closed) return CompletableFuture.failedFuture(new DeviceException(uri + " is closed"));
    SampleBatch.Builder b = SampleBatch.newBuilder(tags.size()).receiveTimeNanos(nowNanos());
    for (Tag t : tags) {
      String[] a = parseAddress(t.address());
      SamplesRecord r = latest.get(a[0]);
      if (r == null) {
        b.addBad(t, Quality.bad(Quality.Reason.DISCONNECTED, "no record of " + a[0] + " consumed by this instance"),
            nowNanos());
      } else {
        r.addRow(b, t, a[1], a[0]);
      }
    }
    return CompletableFuture.completedFuture(b.build());
  }

  @Override
  public CompletableFuture<Void> write(Tag tag, Object value) {
    return CompletableFuture.failedFuture(new DeviceException(uri + ": kafka devices are read-only (tag "
        + tag.name() + ")"));
  }

  /**
   * Delivers one batch per consumed record that has any of {@code tags}' keys, on the consumer's thread, at the
   * rate the records were published; the options' rates do not apply (the data was sampled at the edge).
   */
  @Override
  public Subscription subscribe(List<Tag> tags, SubscriptionOptions options, SampleListener listener) {
    KafkaSubscription s = new KafkaSubscription(List.copyOf(tags), options, listener);
    synchronized (lifecycle) {
      if (closed) throw new DeviceException(uri + " is closed");
      subscriptions.add(s);
      if (thread == null) {
        thread = new Thread(this::run, "kafka-" + topic + "-" + group);
        thread.setDaemon(true);
        thread.start();
      }
    }
    return s;
  }

  @Override
  public ConnectionState state() {
    return tracker.state();
  }

  @Override
  public CompletableFuture<Void> whenConnected() {
    return tracker.whenConnected();
  }

  @Override
  public CompletableFuture<Void> whenConnected(Duration timeout) {
    return tracker.whenConnected(timeout);
  }

  @Override
  public Optional<Throwable> lastError() {
    return tracker.lastError();
  }

  @Override
  public void addStateListener(StateListener listener) {
    tracker.addListener(listener);
  }

  @Override
  public void removeStateListener(StateListener listener) {
    tracker.removeListener(listener);
  }

  /** Leaves the group (committing what was delivered), so Kafka moves this instance's machines to the others. */
  @Override
  public void close() {
    Thread t;
    synchronized (lifecycle) {
      if (closed) return;
      closed = true;
      t = thread;
    }
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) c.wakeup();
    if (t != null) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    tracker.transition(ConnectionState.CLOSED, null);
  }

  @Override
  public String toString() {
    return "KafkaDevice{" + uri + "}";
  }

  private static long nowNanos() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private void run() {
    KafkaConsumer<byte[], byte[]> c;
    try {
      c = new KafkaConsumer<>(config);
    } catch (RuntimeException e) {
      LOG.warn("{}: cannot create the consumer: {}", uri, e.toString());
      tracker.attemptFailed(e, true);
      return;
    }
    consumer = c;
    try {
      if (closed) return;
      c.subscribe(List.of(topic), new Rebalance(c));
      while (!closed) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = c.poll(POLL);
        } catch (WakeupException e) {
          break;
        } catch (RuntimeException e) {
          // Kafka retries the network itself; what reaches us is worth a line and a pause, not the end of the device.
          LOG.warn("{}: poll failed: {}", uri, e.toString());
          tracker.transition(ConnectionState.DISCONNECTED, e);
          sleepQuietly(1000);
          continue;
        }
        for (ConsumerRecord<byte[], byte[]> r : records) deliver(r);
        if (!records.isEmpty()) c.commitAsync();
      }
    } finally {
      try {
        c.commitSync(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.debug("{}: final commit: {}", uri, e.toString());
      }
      try {
        c.close(Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        LOG.debug("{}: closing the consumer: {}", uri, e.toString());
      }
      consumer = null;
    }
  }

  private void deliver(ConsumerRecord<byte[], byte[]> r) {
    if (r.key() == null) return;
    String key = new String(r.key(), StandardCharsets.UTF_8);
    SamplesRecord record;
    try {
      record = SamplesRecord.parse(r.value());
    } catch (Exception e) {
      LOG.warn("{}: skipping {}-{}@{} (key {}): {}", uri, r.topic(), r.partition(), r.offset(), key, e.toString());
      return;
    }
    latest.put(key, record);
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    Set<String> seen = seenSinceAssigned.computeIfAbsent(tp, p -> new HashSet<>());
    boolean firstSinceAssigned = seen.add(key);
    boolean gap = firstSinceAssigned && (arrivedMidStream.contains(tp) || everSeen.contains(key));
    everSeen.add(key);
    String gapDetail = gap ? "gap: partition " + tp + " assigned to this instance; resuming " + key + " at offset "
        + r.offset() + " (rows before were consumed elsewhere or earlier)" : null;
    for (KafkaSubscription s : subscriptions) s.deliver(key, record, gapDetail);
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    private final KafkaConsumer<byte[], byte[]> c;

    Rebalance(KafkaConsumer<byte[], byte[]> c) {
      this.c = c;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) return;
      try {
        c.commitSync(Duration.ofSeconds(5)); // what the listeners have seen is done: the next owner starts after it
      } catch (RuntimeException e) {
        LOG.warn("{}: commit before giving up {}: {}", uri, partitions, e.toString());
      }
      forget(partitions);
      LOG.info("{}: partitions {} moved away", uri, partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions);
      LOG.warn("{}: partitions {} lost (this instance was too slow or cut off)", uri, partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        seenSinceAssigned.put(tp, new HashSet<>());
        // At this instance's first assignment its windows are empty: nothing to join across. Later ones arrive
        // from another instance, in mid-stream.
        if (assignedOnce) arrivedMidStream.add(tp);
      }
      if (!partitions.isEmpty()) LOG.info("{}: partitions {} assigned", uri, partitions);
      assignedOnce = true;
      tracker.transition(ConnectionState.CONNECTED, null);
    }

    private void forget(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        seenSinceAssigned.remove(tp);
        arrivedMidStream.remove(tp);
      }
    }
  }

  private final class KafkaSubscription implements Subscription {
    private final List<Tag> tags;
    private final SubscriptionOptions options;
    private final SampleListener listener;
    /** Per key: the tags of that key, in subscription order, and their published names. */
    private final Map<String, List<Tag>> tagsByKey = new LinkedHashMap<>();
    private final Map<Tag, String> publishedName = new HashMap<>();
    private volatile boolean active = true;

    KafkaSubscription(List<Tag> tags, SubscriptionOptions options, SampleListener listener) {
      this.tags = tags;
      this.options = options;
      this.listener = listener;
      for (Tag t : tags) {
        String[] a = parseAddress(t.address());
        tagsByKey.computeIfAbsent(a[0], k -> new ArrayList<>()).add(t);
        publishedName.put(t, a[1]);
      }
    }

    void deliver(String key, SamplesRecord record, String gapDetail) {
      List<Tag> mine = tagsByKey.get(key);
      if (!active || mine == null) return;
      long now = nowNanos();
      try {
        if (gapDetail != null) {
          Quality gap = Quality.bad(Quality.Reason.DISCONNECTED, gapDetail);
          SampleBatch.Builder g = SampleBatch.newBuilder(mine.size()).receiveTimeNanos(now);
          // Just before the first row after the gap, so that the marker sorts where the gap is.
          long at = record.newestTimeNanos() - 1;
          for (Tag t : mine) g.addBad(t, gap, at);
          listener.onSamples(g.build());
        }
        SampleBatch.Builder b = SampleBatch.newBuilder(mine.size()).receiveTimeNanos(now);
        for (Tag t : mine) record.addRow(b, t, publishedName.get(t), key);
        listener.onSamples(b.build());
      } catch (RuntimeException e) {
        LOG.warn("{}: a listener failed on a batch of {}: {}", uri, key, e.toString());
      }
    }

    @Override
    public List<Tag> tags() {
      return tags;
    }

    @Override
    public SubscriptionOptions options() {
      return options;
    }

    @Override
    public long overruns() {
      return 0;
    }

    @Override
    public void close() {
      active = false;
      subscriptions.remove(this);
    }
  }
}
