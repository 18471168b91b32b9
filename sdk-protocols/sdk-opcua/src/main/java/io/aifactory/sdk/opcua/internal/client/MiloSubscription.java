package io.aifactory.sdk.opcua.internal.client;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.aifactory.sdk.core.AddressException;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.SampleListener;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.opcua.internal.StatusMapping;
import io.aifactory.sdk.opcua.internal.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemSynchronizationException;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DataChangeTrigger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DeadbandType;
import org.eclipse.milo.opcua.stack.core.types.structured.DataChangeFilter;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription of tags as one OPC UA subscription with a monitored item per tag. The desired state (tags and
 * options) lives here; {@link #ensureCreated} makes the server match it, which is also how it is restored after
 * Milo could not transfer it to a new session.
 */
final class MiloSubscription implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(MiloSubscription.class);

  private final MiloDevice device;
  private final List<Tag> tags;
  private final SubscriptionOptions options;
  private final SampleListener listener;
  /** The tags as an array, and how each one's values convert (see {@link #conversionOf}); fixed for life. */
  private final Tag[] tagArray;
  private final byte[] conversion;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean gapOpen = new AtomicBoolean();
  private final AtomicLong lost = new AtomicLong();
  private OpcUaSubscription subscription;
  /** Tags whose namespace the current session's server lacks (no monitored item); guarded by {@code this}. */
  private boolean[] unresolved;
  /** Failed attempts to create the subscription in the current session; guarded by {@code this}. */
  private int createAttempts;
  /**
   * The last row delivered per tag and when (System.nanoTime), for the heartbeat; only used on the device's delivery
   * thread (see {@link MiloDevice#deliver}).
   */
  private final SampleBatch[] lastBatch;
  private final int[] lastRow;
  private final long[] lastDelivered;
  private volatile java.util.concurrent.ScheduledFuture<?> heartbeat;
  /** When the server was last heard from on this subscription (data or keep-alive), by System.nanoTime. */
  private volatile long lastPublishNanos;
  /** The subscription's revised keep-alive interval: the longest the server may stay silent; 0 until created. */
  private volatile long keepAliveNanos;

  MiloSubscription(MiloDevice device, List<Tag> tags, SubscriptionOptions options, SampleListener listener) {
    this.device = device;
    this.tags = tags;
    this.options = options;
    this.listener = listener;
    this.tagArray = tags.toArray(new Tag[0]);
    this.conversion = new byte[tagArray.length];
    for (int i = 0; i < tagArray.length; i++) conversion[i] = conversionOf(tagArray[i]);
    this.lastBatch = new SampleBatch[tags.size()];
    this.lastRow = new int[tags.size()];
    this.lastDelivered = new long[tags.size()];
  }

  /** Starts the heartbeat, if the options ask for one: unchanged values are reported again at that period. */
  void startHeartbeat(java.util.concurrent.ScheduledExecutorService executor) {
    long period = options.heartbeat().toNanos();
    if (period <= 0) return;
    heartbeat = executor.scheduleAtFixedRate(() -> device.deliver(this::beat), period / 2, Math.max(period / 2, 1_000_000),
        java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /**
   * Runs on the delivery thread, so that a heartbeat never overtakes or overlaps a delivery of fresh data. A value is
   * repeated only while the server keeps its promise to publish or send a keep-alive every keep-alive interval:
   * once it missed one (a frozen server, a cut link) the value is no longer known to be current, and the heartbeat
   * says BAD(TIMEOUT) instead, until the server is heard from again.
   */
  private void beat() {
    if (closed.get() || gapOpen.get()) return;
    long period = options.heartbeat().toNanos();
    long now = System.nanoTime();
    long silentNanos = now - lastPublishNanos;
    long keepAlive = keepAliveNanos;
    // One publishing interval of slack for the keep-alive's own way to us.
    boolean missedKeepAlive = keepAlive > 0 && silentNanos > keepAlive + options.publishingInterval().toNanos();
    long receiveTime = device.options().nowNanos();
    SampleBatch.Builder rows = null;
    for (int t = 0; t < tags.size(); t++) {
      SampleBatch b = lastBatch[t];
      if (b == null || now - lastDelivered[t] < period) continue;
      if (rows == null) rows = SampleBatch.newBuilder(tags.size()).receiveTimeNanos(receiveTime);
      if (missedKeepAlive && !b.quality(lastRow[t]).isBad()) {
        rows.addBad(tags.get(t), Quality.bad(Quality.Reason.TIMEOUT, "no publish response or keep-alive from the server for "
            + silentNanos / 1_000_000 + " ms (keep-alive interval " + keepAlive / 1_000_000 + " ms)"), receiveTime);
      } else {
        copyRow(rows, b, lastRow[t]);
      }
      lastDelivered[t] = now;
    }
    if (rows != null) call(rows.build());
  }

  private static void copyRow(SampleBatch.Builder rows, SampleBatch b, int i) {
    Tag tag = b.tag(i);
    Object v = b.value(i);
    if (b.quality(i).isBad()) rows.addBad(tag, b.quality(i), b.sourceTimeNanos(i));
    else if (v instanceof Long) rows.addLong(tag, (Long) v, b.quality(i), b.sourceTimeNanos(i));
    else if (v instanceof Double || v instanceof Boolean) rows.add(tag, b.doubleValue(i), b.quality(i), b.sourceTimeNanos(i));
    else rows.addObject(tag, v, b.quality(i), b.sourceTimeNanos(i));
  }

  /**
   * Records what the heartbeat repeats. BAD rows (gaps, failed items) are recorded too, so that after a gap a tag
   * is repeated BAD until fresh data arrives for it, never with the value it had before.
   */
  private void remember(SampleBatch batch, int[] tagIndexes) {
    if (heartbeat == null || tagIndexes == null) return;
    long now = System.nanoTime();
    for (int r = 0; r < batch.size(); r++) {
      int t = tagIndexes[r];
      lastBatch[t] = batch;
      lastRow[t] = r;
      lastDelivered[t] = now;
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

  /** Returns how many times the server could not deliver notifications (OPC UA: notification data lost). */
  @Override
  public long overruns() {
    return lost.get();
  }

  /**
   * Creates the subscription and its items on the server unless they exist there; runs on the device's thread. A
   * failure (e.g. Bad_TooManySubscriptions, Bad_Timeout) is retried with the device's reconnect backoff for as long
   * as this session lasts; a new session calls this again anyway.
   */
  synchronized void ensureCreated(OpcUaClient client) {
    if (closed.get() || client != device.currentClient()) return;
    try {
      if (subscription == null || subscription.getClient() != client) {
        subscription = newSubscription(client);
        createAttempts = 0;
      }
      if (subscription.getSyncState() == OpcUaSubscription.SyncState.SYNCHRONIZED) return;
      if (subscription.getSubscriptionId().isEmpty()) subscription.create();
      try {
        subscription.synchronizeMonitoredItems();
      } catch (MonitoredItemSynchronizationException e) {
        log.debug("{}: some monitored items failed", device.uri(), e);
      }
      createAttempts = 0;
      // Creating it was hearing from the server; from now on it must publish or keep alive in time.
      lastPublishNanos = System.nanoTime();
      keepAliveNanos = keepAliveNanos(subscription);
      reportFailedItems();
    } catch (Exception e) {
      int attempt = ++createAttempts;
      log.warn("{}: cannot create subscription of {} tags (attempt {}), will retry: {}", device.uri(), tags.size(),
          attempt, e.toString());
      markGap(Quality.bad(StatusMapping.reason(code(e)), code(e), "subscription not created: " + e));
      device.retryLater(() -> ensureCreated(client), attempt);
    }
  }

  private static long code(Exception e) {
    return e instanceof org.eclipse.milo.opcua.stack.core.UaException
        ? ((org.eclipse.milo.opcua.stack.core.UaException) e).getStatusCode().getValue() : StatusCodes.Bad_UnexpectedError;
  }

  /** Returns the revised publishing interval times the revised maximum keep-alive count. */
  private static long keepAliveNanos(OpcUaSubscription s) {
    double interval = s.getRevisedPublishingInterval().orElse(s.getPublishingInterval());
    long count = s.getRevisedMaxKeepAliveCount().orElse(s.getMaxKeepAliveCount()).longValue();
    return (long) (interval * 1_000_000L) * Math.max(1, count);
  }

  private OpcUaSubscription newSubscription(OpcUaClient client) {
    OpcUaSubscription s = new OpcUaSubscription(client, (double) options.publishingInterval().toMillis());
    if (!options.heartbeat().isZero()) {
      // Milo's default keep-alive is 10 s; a heartbeat can only vouch for a value if the server proves itself alive
      // as often as the heartbeat repeats it.
      s.setTargetKeepAliveInterval((double) Math.max(options.heartbeat().toMillis(), options.publishingInterval().toMillis()));
    }
    s.setSubscriptionListener(new Listener());
    List<OpcUaMonitoredItem> items = new ArrayList<>(tags.size());
    unresolved = new boolean[tags.size()];
    for (int i = 0; i < tags.size(); i++) {
      Tag tag = tags.get(i);
      NodeId nodeId;
      try {
        nodeId = device.nodeId(tag, client);
      } catch (AddressException e) {
        // One tag of a namespace the server lacks must not keep the others from being monitored.
        unresolved[i] = true;
        continue;
      }
      OpcUaMonitoredItem item = new TagItem(nodeId, i);
      item.setSamplingInterval((double) options.samplingInterval().toMillis());
      item.setQueueSize(uint(options.queueSize()));
      item.setDiscardOldest(true);
      if (tag.deadband() > 0) {
        boolean percent = options.deadbandType() == SubscriptionOptions.DeadbandType.PERCENT;
        // An absolute deadband is in the server's raw units; the tag's is in engineering units.
        double deadband = percent ? tag.deadband() : tag.deadband() / Math.abs(tag.scale());
        item.setFilter(new DataChangeFilter(DataChangeTrigger.StatusValue,
            uint((percent ? DeadbandType.Percent : DeadbandType.Absolute).getValue()), deadband));
      }
      items.add(item);
    }
    s.addMonitoredItems(items);
    return s;
  }

  private void reportFailedItems() {
    long now = device.options().nowNanos();
    SampleBatch.Builder rows = null;
    int[] tagIndexes = new int[tags.size()];
    for (int i = 0; i < tags.size(); i++) {
      if (!unresolved[i]) continue;
      if (rows == null) rows = SampleBatch.newBuilder(1).receiveTimeNanos(now);
      Tag tag = tags.get(i);
      log.warn("{}: tag '{}' cannot be monitored: the namespace of '{}' is not on the server", device.uri(), tag.name(),
          tag.address());
      tagIndexes[rows.size()] = i;
      rows.addBad(tag, Quality.bad(Quality.Reason.CONFIG_ERROR, "namespace of '" + tag.address()
          + "' is not on the server"), now);
    }
    for (OpcUaMonitoredItem item : subscription.getMonitoredItems()) {
      StatusCode result = item.getCreateResult().orElse(StatusCode.GOOD);
      if (result.isGood()) continue;
      if (rows == null) rows = SampleBatch.newBuilder(1).receiveTimeNanos(now);
      int index = ((TagItem) item).tagIndex;
      tagIndexes[rows.size()] = index;
      Tag tag = tags.get(index);
      Quality q = StatusMapping.quality(result);
      log.warn("{}: tag '{}' ({}) cannot be monitored: {}", device.uri(), tag.name(), tag.address(), q.detail());
      rows.addBad(tag, q.isBad() ? q : Quality.bad(Quality.Reason.DEVICE_ERROR, result.getValue(), q.detail()), now);
    }
    if (rows != null) deliver(rows.build(), tagIndexes);
  }

  /** Called when a session is active again: the next interruption is a new gap to report. */
  void sessionActive() {
    gapOpen.set(false);
  }

  /** Reports every tag BAD once per interruption, so that a gap in the data is visible, never silent. */
  void markGap(Quality quality) {
    if (closed.get() || !gapOpen.compareAndSet(false, true)) return;
    deliverAll(device.allBad(tags, quality));
  }

  /** Queues the batch for the listener; row r is of {@code tags.get(tagIndexes[r])}. */
  private void deliver(SampleBatch batch, int[] tagIndexes) {
    device.deliver(() -> {
      if (closed.get()) return;
      remember(batch, tagIndexes);
      call(batch);
    });
  }

  /** Queues a batch with a row for every tag, in the subscription's order. */
  private void deliverAll(SampleBatch batch) {
    int[] all = new int[tags.size()];
    for (int i = 0; i < all.length; i++) all[i] = i;
    deliver(batch, all);
  }

  private void call(SampleBatch batch) {
    if (closed.get()) return;
    try {
      listener.onSamples(batch);
    } catch (RuntimeException e) {
      log.warn("{}: sample listener threw", device.uri(), e);
    }
  }

  /** A GOOD number goes to {@code SampleBatch.Builder.add} in engineering units (floats, scaled integers). */
  private static final byte TO_DOUBLE = 1;
  /** A GOOD number goes to {@code SampleBatch.Builder.addLong} as is (unscaled integers, exact to 64 bits). */
  private static final byte TO_LONG = 2;
  /** Everything else (booleans, strings, arrays) goes through {@link Values#addRow}. */
  private static final byte GENERAL = 0;

  /**
   * Returns how a tag's values convert, decided once per tag: the same branches {@link Values#addRow} takes for a
   * GOOD {@link Number}, so the fast path in {@link Listener#onDataReceived} gives the very same rows.
   */
  private static byte conversionOf(Tag tag) {
    DataType type = tag.dataType();
    if (type.isArray() || !type.kind().isNumeric()) return GENERAL;
    return type.kind().isInteger() && !tag.isScaled() ? TO_LONG : TO_DOUBLE;
  }

  /**
   * A monitored item that knows its tag's index. Milo's {@code getUserObject()} wraps the user object in a new
   * {@code Optional} on every call, which the JIT did not eliminate: 16 B per delivered value.
   */
  private static final class TagItem extends OpcUaMonitoredItem {
    final int tagIndex;

    TagItem(NodeId nodeId, int tagIndex) {
      // What OpcUaMonitoredItem.newDataItem(nodeId) builds.
      super(new ReadValueId(nodeId, AttributeId.Value.uid(), null, QualifiedName.NULL_VALUE));
      this.tagIndex = tagIndex;
    }
  }

  private final class Listener implements OpcUaSubscription.SubscriptionListener {
    @Override
    public void onKeepAliveReceived(OpcUaSubscription s) {
      lastPublishNanos = System.nanoTime();
    }

    @Override
    public void onDataReceived(OpcUaSubscription s, List<OpcUaMonitoredItem> items, List<DataValue> values) {
      lastPublishNanos = System.nanoTime();
      if (closed.get()) return;
      gapOpen.set(false);
      long now = device.options().nowNanos();
      int n = items.size();
      SampleBatch.Builder rows = SampleBatch.newBuilder(n).receiveTimeNanos(now);
      // Only the heartbeat needs to know which tag each row is of.
      int[] tagIndexes = heartbeat != null ? new int[n] : null;
      // A notification tends to carry one status for many values in a row: map a code only when it changes.
      long lastStatus = 0;
      Quality lastQuality = Quality.GOOD;
      for (int i = 0; i < n; i++) {
        OpcUaMonitoredItem item = items.get(i);
        if (!(item instanceof TagItem)) continue;
        int t = ((TagItem) item).tagIndex;
        DataValue v = values.get(i);
        if (tagIndexes != null) tagIndexes[rows.size()] = t;
        Tag tag = tagArray[t];
        Object raw = v.getValue().getValue();
        long time = MiloDevice.sourceTime(v, now);
        long status = v.getStatusCode().getValue();
        if (status == 0 && raw instanceof Number && conversion[t] != GENERAL) {
          // GOOD scalar number: the branches of Values.addRow, without re-deciding them per value.
          if (conversion[t] == TO_LONG) rows.addLong(tag, ((Number) raw).longValue(), Quality.GOOD, time);
          else rows.add(tag, tag.toEngineering(((Number) raw).doubleValue()), Quality.GOOD, time);
          continue;
        }
        if (status != lastStatus) {
          lastStatus = status;
          lastQuality = StatusMapping.quality(v.getStatusCode());
        }
        Values.addRow(rows, tag, raw, lastQuality, time);
      }
      if (rows.size() > 0) deliver(rows.build(), tagIndexes);
    }

    @Override
    public void onTransferFailed(OpcUaSubscription s, StatusCode status) {
      log.info("{}: subscription not transferred to the new session ({}); creating it again", device.uri(),
          StatusMapping.name(status.getValue()));
      markGap(Quality.bad(Quality.Reason.DISCONNECTED, status.getValue(), "subscription lost with the session"));
      OpcUaClient client = s.getClient();
      device.runLater(() -> ensureCreated(client));
    }

    @Override
    public void onStatusChanged(OpcUaSubscription s, StatusCode status) {
      if ((status.getValue() & 0xFFFF0000L) == StatusCodes.Bad_Timeout) {
        markGap(Quality.bad(Quality.Reason.TIMEOUT, status.getValue(), "subscription timed out on the server"));
        OpcUaClient client = s.getClient();
        device.runLater(() -> ensureCreated(client));
      }
    }

    @Override
    public void onWatchdogTimerElapsed(OpcUaSubscription s) {
      markGap(Quality.bad(Quality.Reason.TIMEOUT, "no publish response from the server in time"));
    }

    @Override
    public void onNotificationDataLost(OpcUaSubscription s) {
      lost.incrementAndGet();
      markGap(Quality.bad(Quality.Reason.DEVICE_ERROR, "the server lost notifications"));
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    if (heartbeat != null) heartbeat.cancel(false);
    device.removed(this);
    OpcUaSubscription s;
    synchronized (this) {
      s = subscription;
    }
    if (s != null && s.getSubscriptionId().isPresent()) {
      s.deleteAsync().whenComplete((ok, e) -> {
        if (e != null) log.debug("{}: deleting subscription failed", device.uri(), e);
      });
    }
  }

  void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      log.debug("{}: closing subscription failed", device.uri(), e);
    }
  }
}
