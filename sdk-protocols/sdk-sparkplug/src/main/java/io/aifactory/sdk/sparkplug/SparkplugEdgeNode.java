package io.aifactory.sdk.sparkplug;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt3.message.auth.Mqtt3SimpleAuth;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3ConnectBuilder;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.ReconnectPolicy;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.SampleListener;
import io.aifactory.sdk.core.StateListener;
import io.aifactory.sdk.core.forward.DiskBuffer;
import io.aifactory.sdk.core.guard.WriteGuard;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.AlarmListener;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.pipeline.PipelineAction;
import io.aifactory.sdk.sparkplug.internal.BdSeqStore;
import io.aifactory.sdk.sparkplug.internal.DataRecord;
import io.aifactory.sdk.sparkplug.internal.DiskOutbox;
import io.aifactory.sdk.sparkplug.internal.MemoryOutbox;
import io.aifactory.sdk.sparkplug.internal.MetricDef;
import io.aifactory.sdk.sparkplug.internal.NodeModel;
import io.aifactory.sdk.sparkplug.internal.NodeModel.DeviceModel;
import io.aifactory.sdk.sparkplug.internal.Outbox;
import io.aifactory.sdk.sparkplug.internal.Payloads;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.eclipse.tahu.model.MetricDataTypeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Sparkplug B edge node: publishes chosen tags and pipeline results of its devices to an MQTT broker, keeps DATA in
 * a store-and-forward buffer while the broker is unreachable, and takes writes from commands only through a
 * {@link WriteGuard}.
 *
 * <pre>{@code
 * try (SparkplugEdgeNode node = SparkplugEdgeNode.newBuilder()
 *     .broker(URI.create("ssl://broker.plant:8883"))
 *     .groupId("plant1").edgeNodeId("line1")
 *     .credentials("line1", password)                  // never logged
 *     .bufferDirectory(Path.of("/var/lib/mes/sparkplug"))
 *     .device(SparkplugDevice.newBuilder("press3").connection(plc).tags(tags)
 *         .machine("press3", pipeline.outputNames()).build())
 *     .build()) {
 *   node.start();                                      // connects in the background
 *   plc.subscribe(tags, SubscriptionOptions.every(Duration.ofSeconds(1)), node);
 *   // pipeline: .action(node.pipelineAction()), ThresholdAlarm...listener(node)
 * }
 * }</pre>
 *
 * <h2>Messages</h2>
 * Topics are {@code spBv1.0/<group>/<type>/<edge node>[/<device>]}. Each MQTT session (clean, MQTT 3.1.1) carries its
 * NDEATH as the will, with a {@code bdSeq} that grows by one per connection (0–255, kept in the buffer directory
 * across restarts); the NBIRTH repeats that bdSeq, has seq 0 and the metric {@code Node Control/Rebirth}. Then each
 * device whose connection is up gets a DBIRTH with every metric's name, alias, type, value and quality, and DDATA
 * follows by exception (a change beyond the tag's deadband, or of quality), by alias. A device whose connection drops
 * gets a DDEATH, and a DBIRTH when it is back. {@code seq} runs 0–255 over all messages of a session but NDEATH. An
 * NCMD {@code Node Control/Rebirth = true} makes the node publish its births again. Quality travels as the Int32
 * metric property {@code Quality} (192 GOOD, 64 UNCERTAIN, 0 BAD); a BAD value has no value ({@code is_null}).
 *
 * <h2>Store-and-forward</h2>
 * Every DATA record is appended to the buffer before it is sent, and acknowledged once handed to the connection, so
 * order holds however the link behaves. What was made while offline, or before its device's latest birth, is sent
 * after the births with its original timestamps and {@code is_historical}. With {@link Builder#bufferDirectory} the
 * buffer is a {@link DiskBuffer}: a restart, or a killed process, loses nothing accepted. Delivery is at least once:
 * a record in flight when the link fails is sent again.
 *
 * <h2>Threads</h2>
 * {@link #onSamples}, {@link #onAlarm} and the pipeline action only update values and append to the buffer (a file
 * write, never the network). The node owns one thread, {@code sparkplug-<node>}, which connects, publishes and
 * reconnects with the {@link ReconnectPolicy}; commands are decoded on the MQTT client's thread and handed to the
 * guards, which decide on their own threads.
 */
public final class SparkplugEdgeNode implements SampleListener, AlarmListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SparkplugEdgeNode.class);
  private static final int DRAIN_BATCH = 64;
  private static final ObjectMapper STATE_READER = new ObjectMapper();

  private final String host;
  private final int port;
  private final boolean tls;
  private final TrustManagerFactory trustManagers;
  private final KeyManagerFactory keyManagers;
  private final String groupId;
  private final String edgeNodeId;
  private final String clientId;
  private final String username;
  private final byte[] password;
  private final Path bufferDirectory;
  private final long bufferMaxBytes;
  private final int memoryRecords;
  private final ReconnectPolicy reconnect;
  private final Duration keepAlive;
  private final Duration publishTimeout;
  private final MqttQos dataQos;
  private final String primaryHostId;
  private final NodeModel model;
  private final String topicPrefix;

  private final Object lifecycle = new Object();
  private final AtomicBoolean workQueued = new AtomicBoolean();
  private final AtomicLong sessions = new AtomicLong();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();
  private final Map<Device, StateListener> stateListeners = new HashMap<>();
  private final SparkplugBPayloadDecoder decoder = new SparkplugBPayloadDecoder();
  private final Payloads payloads = new Payloads();
  private volatile boolean started;
  private volatile boolean closed;
  private volatile boolean online;
  private volatile boolean waitingForHost;
  private volatile long bdSeqNow = -1;
  private ScheduledThreadPoolExecutor executor;
  private Outbox outbox;

  // The node's thread only.
  private BdSeqStore bdSeqs;
  private Session session;
  private int attempts;
  private boolean offlineLogged;
  /** The timestamp of the newest primary host STATE heard; older ones arrive late and are ignored. */
  private long hostStateTimestamp = Long.MIN_VALUE;

  private SparkplugEdgeNode(Builder b) {
    String scheme = b.broker.getScheme();
    this.tls = "ssl".equals(scheme);
    this.host = b.broker.getHost();
    this.port = b.broker.getPort() > 0 ? b.broker.getPort() : tls ? 8883 : 1883;
    this.trustManagers = b.trustManagers;
    this.keyManagers = b.keyManagers;
    this.groupId = b.groupId;
    this.edgeNodeId = b.edgeNodeId;
    this.clientId = b.clientId != null ? b.clientId : b.groupId + "-" + b.edgeNodeId;
    this.username = b.username;
    this.password = b.password;
    this.bufferDirectory = b.bufferDirectory;
    this.bufferMaxBytes = b.bufferMaxBytes;
    this.memoryRecords = b.memoryRecords;
    this.reconnect = b.reconnect;
    this.keepAlive = b.keepAlive;
    this.publishTimeout = b.publishTimeout;
    this.dataQos = b.dataQos == 1 ? MqttQos.AT_LEAST_ONCE : MqttQos.AT_MOST_ONCE;
    this.primaryHostId = b.primaryHostId;
    this.model = new NodeModel(b.devices, ThreadLocalRandom.current().nextLong());
    this.topicPrefix = Payloads.NAMESPACE + "/" + groupId + "/";
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public String groupId() {
    return groupId;
  }

  public String edgeNodeId() {
    return edgeNodeId;
  }

  /**
   * Opens the buffer (finding what a previous run left unsent), starts following the devices' connections, and starts
   * connecting to the broker in the background. Returns at once.
   *
   * @throws IllegalStateException if started twice or closed
   * @throws io.aifactory.sdk.core.AifactoryException if the buffer directory cannot be used
   */
  public void start() {
    synchronized (lifecycle) {
      if (closed || started) {
        throw new IllegalStateException("edge node " + groupId + "/" + edgeNodeId + (closed ? " is closed" : " was already started"));
      }
      if (bufferDirectory != null) {
        outbox = new DiskOutbox(DiskBuffer.newBuilder().directory(bufferDirectory).name("sparkplug")
            .maxBytes(bufferMaxBytes).segmentBytes(Math.min(8L << 20, bufferMaxBytes / 4)).build());
      } else {
        outbox = new MemoryOutbox(memoryRecords);
      }
      bdSeqs = new BdSeqStore(bufferDirectory == null ? null : bufferDirectory.resolve("bdSeq"));
      model.outbox(outbox);
      ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "sparkplug-" + edgeNodeId);
        t.setDaemon(true);
        return t;
      });
      s.setRemoveOnCancelPolicy(true);
      s.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      executor = s;
      started = true;
      for (DeviceModel d : model.devices()) {
        Device c = d.connection();
        if (c == null) {
          continue;
        }
        StateListener l = (device, state, cause) -> onDeviceState(d, state);
        stateListeners.put(c, l);
        c.addStateListener(l);
        model.up(d, c.state() == ConnectionState.CONNECTED);
      }
      long pending = outbox.pending();
      if (pending > 0) {
        LOG.info("edge node {}/{}: {} buffered record(s) from a previous run will be sent as history", groupId,
            edgeNodeId, pending);
      }
      s.execute(this::connect);
    }
  }

  /** Publishes the batch's rows of the tags this node's devices publish, by exception; other rows are ignored. */
  @Override
  public void onSamples(SampleBatch batch) {
    if (model.onSamples(batch)) {
      queueWork();
    }
  }

  /** Publishes the alarm state metric ({@code <machine>/alarm}) of the event's machine, if a device publishes it. */
  @Override
  public void onAlarm(AlarmEvent event) {
    if (model.onAlarm(event)) {
      queueWork();
    }
  }

  /**
   * Returns a pipeline action that publishes each result of a machine a device publishes, as
   * {@code <machine>/<output>}: a GOOD or UNCERTAIN result with its value and quality, a BAD one with no value. When
   * the pipeline closes the action, those metrics turn BAD. Closing the action does not close the node.
   */
  public PipelineAction pipelineAction() {
    return new PipelineAction() {
      @Override
      public void onResult(MachineResult result) {
        if (model.onResult(result)) {
          queueWork();
        }
      }

      @Override
      public void close() {
        if (model.resultsClosed()) {
          queueWork();
        }
      }

      @Override
      public String toString() {
        return "Sparkplug results of " + SparkplugEdgeNode.this;
      }
    };
  }

  /** Returns whether the node is connected and born. */
  public boolean isOnline() {
    return online;
  }

  public EdgeNodeMetrics metrics() {
    Outbox o = outbox;
    return new EdgeNodeMetrics(online, waitingForHost, sessions.get(), bdSeqNow, published.get(),
        o == null ? 0 : o.pending(),
        (o == null ? 0 : o.dropped()) + model.dropped() + unreadable.get(), refused.get());
  }

  /**
   * Publishes NDEATH (a graceful end: the will is not used), disconnects, and closes the buffer; records not yet sent
   * stay in a buffer directory for the next start. Does not close the devices or guards. Idempotent.
   */
  @Override
  public void close() {
    ScheduledThreadPoolExecutor s;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      s = executor;
      stateListeners.forEach((device, listener) -> device.removeStateListener(listener));
    }
    if (s != null) {
      try {
        s.submit(this::shutdown).get(publishTimeout.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        LOG.warn("edge node {}/{}: closing did not complete: {}", groupId, edgeNodeId, e.toString());
      }
      s.shutdownNow();
    }
    model.outbox(null);
    Outbox o = outbox;
    if (o != null) {
      long pending = o.pending();
      if (pending > 0) {
        LOG.info("edge node {}/{}: closed with {} record(s) unsent{}", groupId, edgeNodeId, pending,
            bufferDirectory != null ? ", kept in " + bufferDirectory : " (in memory: lost)");
      }
      o.close();
    }
  }

  @Override
  public String toString() {
    // No credentials here, nor anywhere else this class logs.
    return "SparkplugEdgeNode{" + groupId + "/" + edgeNodeId + " @ " + (tls ? "ssl" : "tcp") + "://" + host + ":" + port + "}";
  }

  // ------------------------------------------------------------------------------------------ any thread

  private void onDeviceState(DeviceModel d, ConnectionState state) {
    if (model.up(d, state == ConnectionState.CONNECTED)) {
      queueWork();
    }
  }

  private void queueWork() {
    ScheduledThreadPoolExecutor s = executor;
    if (s != null && !closed && workQueued.compareAndSet(false, true)) {
      try {
        s.execute(() -> {
          workQueued.set(false);
          work();
        });
      } catch (RejectedExecutionException e) {
        workQueued.set(false); // closing
      }
    }
  }

  private void onNodeCommand(Session s, Mqtt3Publish publish) {
    SparkplugBPayload payload = decode(publish, model.nodeCommandTypes());
    if (payload == null) {
      return;
    }
    for (Metric m : payload.getMetrics()) {
      if (m == null) {
        refuse("NCMD", "a metric of unknown alias");
        continue;
      }
      boolean rebirth = Payloads.REBIRTH.equals(m.getName())
          || !m.hasName() && m.hasAlias() && m.getAlias() == Payloads.REBIRTH_ALIAS;
      if (rebirth && Boolean.TRUE.equals(m.getValue())) {
        LOG.info("edge node {}/{}: rebirth requested", groupId, edgeNodeId);
        try {
          executor.execute(() -> rebirth(s));
        } catch (RejectedExecutionException e) {
          return; // closing
        }
      } else {
        refuse("NCMD", "metric '" + (m.hasName() ? m.getName() : "alias " + m.getAlias()) + "' is not writable");
      }
    }
  }

  private void onDeviceCommand(Mqtt3Publish publish) {
    String topic = publish.getTopic().toString();
    String deviceId = topic.substring(topic.lastIndexOf('/') + 1);
    DeviceModel d = model.device(deviceId);
    if (d == null) {
      refuse("DCMD", "no device '" + deviceId + "'");
      return;
    }
    SparkplugBPayload payload = decode(publish, d.commandTypes());
    if (payload == null) {
      return;
    }
    for (Metric m : payload.getMetrics()) {
      MetricDef def = m == null ? null : d.metric(m.hasName() ? m.getName() : null, m.hasAlias() ? m.getAlias() : null);
      if (def == null) {
        refuse("DCMD", "device '" + deviceId + "': unknown metric");
        continue;
      }
      WriteGuard guard = def.guard();
      if (guard == null) {
        refuse("DCMD", "device '" + deviceId + "': metric '" + def.name() + "' is not writable");
        continue;
      }
      Object v = m.getValue();
      double value = v instanceof Number ? ((Number) v).doubleValue() : v instanceof Boolean ? ((Boolean) v) ? 1 : 0
          : Double.NaN;
      if (Double.isNaN(value)) {
        refuse("DCMD", "device '" + deviceId + "': metric '" + def.name() + "': value " + v + " is not a number");
        continue;
      }
      try {
        // The guard decides, audits and (in LIVE mode) writes on its own thread; its listeners hear the outcome.
        guard.propose(value).thenAccept(decision -> LOG.debug("DCMD {}/{} = {}: {}", deviceId, def.name(), value,
            decision));
      } catch (IllegalStateException e) {
        refuse("DCMD", "device '" + deviceId + "': metric '" + def.name() + "': " + e.getMessage());
      }
    }
  }

  private SparkplugBPayload decode(Mqtt3Publish publish, MetricDataTypeMap types) {
    try {
      return decoder.buildFromByteArray(publish.getPayloadAsBytes(), types);
    } catch (Exception e) {
      refuse(publish.getTopic().toString(), "undecodable payload: " + e);
      return null;
    }
  }

  private void refuse(String what, String why) {
    long n = refused.incrementAndGet();
    if (n <= 10 || n % 100 == 0) {
      LOG.warn("edge node {}/{}: refused {}: {} ({} refused so far)", groupId, edgeNodeId, what, why, n);
    }
  }

  // ------------------------------------------------------------------------------------------ node thread

  /** One MQTT connection, with the bdSeq its will and NBIRTH carry. */
  private static final class Session {
    final long bdSeq;
    Mqtt3AsyncClient client;
    /** Subscribed to commands (and to the primary host's STATE): ready for NBIRTH. */
    boolean subscribed;
    /** The primary host's STATE, as last heard in this session: a new session waits for it afresh. */
    boolean hostOnline;
    boolean online;
    boolean ended;
    int seq;

    Session(long bdSeq) {
      this.bdSeq = bdSeq;
    }

    /** Returns the next seq: 0 to 255, then 0 again. */
    long nextSeq() {
      long s = seq;
      seq = (seq + 1) & 0xFF;
      return s;
    }
  }

  private void connect() {
    if (closed) {
      return;
    }
    Session s = new Session(bdSeqs.take());
    session = s;
    bdSeqNow = s.bdSeq;
    try {
      openSession(s);
    } catch (RuntimeException e) {
      ended(s, e);
    }
  }

  private void openSession(Session s) {
    Mqtt3ClientBuilder cb = MqttClient.builder().useMqttVersion3().identifier(clientId).serverHost(host)
        .serverPort(port).addDisconnectedListener(ctx -> {
          ScheduledThreadPoolExecutor e = executor;
          if (!closed && e != null && !e.isShutdown()) {
            e.execute(() -> ended(s, ctx.getCause()));
          }
        });
    if (tls) {
      MqttClientSslConfigBuilder ssl = MqttClientSslConfig.builder();
      if (trustManagers != null) {
        ssl = ssl.trustManagerFactory(trustManagers);
      }
      if (keyManagers != null) {
        ssl = ssl.keyManagerFactory(keyManagers);
      }
      cb = cb.sslConfig(ssl.build());
    }
    s.client = cb.buildAsync();
    Mqtt3Publish will = Mqtt3Publish.builder().topic(topicPrefix + "NDEATH/" + edgeNodeId)
        .qos(MqttQos.AT_LEAST_ONCE).payload(payloads.ndeath(s.bdSeq, System.currentTimeMillis())).retain(false).build();
    Mqtt3ConnectBuilder.Send<CompletableFuture<com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck>> c =
        s.client.connectWith().cleanSession(true).keepAlive((int) keepAlive.toSeconds()).willPublish(will);
    if (username != null) {
      c = c.simpleAuth(Mqtt3SimpleAuth.builder().username(username).password(password).build());
    }
    c.send()
        .thenCompose(ack -> s.client.subscribeWith().topicFilter(topicPrefix + "NCMD/" + edgeNodeId)
            .qos(MqttQos.AT_LEAST_ONCE).callback(p -> onNodeCommand(s, p)).send())
        .thenCompose(ack -> s.client.subscribeWith().topicFilter(topicPrefix + "DCMD/" + edgeNodeId + "/+")
            .qos(MqttQos.AT_LEAST_ONCE).callback(this::onDeviceCommand).send())
        .thenCompose(ack -> primaryHostId == null ? CompletableFuture.completedFuture(ack)
            : s.client.subscribeWith().topicFilter(Payloads.NAMESPACE + "/STATE/" + primaryHostId)
                .qos(MqttQos.AT_LEAST_ONCE).callback(p -> onHostState(s, p)).send())
        .whenComplete((ack, error) -> {
          ScheduledThreadPoolExecutor e = executor;
          if (closed || e == null || e.isShutdown()) {
            // Connected while the node closed: nobody else would end this connection.
            if (error == null) {
              s.client.disconnect();
            }
            return;
          }
          e.execute(() -> {
            if (error != null) {
              ended(s, error);
            } else {
              subscribed(s);
            }
          });
        });
  }

  /** Connected and subscribed: born now, or once the primary host is online. */
  private void subscribed(Session s) {
    if (s != session || s.ended) {
      return;
    }
    s.subscribed = true;
    if (primaryHostId == null || s.hostOnline) {
      born(s);
    } else {
      waitingForHost = true;
      LOG.info("edge node {}/{} connected to {}:{}; waiting for primary host '{}' to be online before its births, "
          + "buffering DATA meanwhile", groupId, edgeNodeId, host, port, primaryHostId);
    }
  }

  /** A STATE message of the primary host, on the MQTT client's thread: decoded here, acted on by the node thread. */
  private void onHostState(Session s, Mqtt3Publish publish) {
    boolean hostUp;
    long timestamp;
    try {
      JsonNode state = STATE_READER.readTree(publish.getPayloadAsBytes());
      JsonNode up = state == null ? null : state.get("online");
      JsonNode at = state == null ? null : state.get("timestamp");
      if (up == null || !up.isBoolean() || at == null || !at.canConvertToLong()) {
        refuse("STATE", "expected {\"online\": true|false, \"timestamp\": <ms>}, found "
            + new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8));
        return;
      }
      hostUp = up.booleanValue();
      timestamp = at.longValue();
    } catch (IOException e) {
      refuse("STATE", "not JSON: " + e.getMessage());
      return;
    }
    try {
      executor.execute(() -> hostState(s, hostUp, timestamp));
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /**
   * The primary host went online (births follow, then the buffer) or offline: a born node ends its session with an
   * NDEATH and reconnects, to wait for the host with its DATA in the buffer. A STATE older than one heard before was
   * overtaken (the host's will and its next birth can arrive out of order) and is ignored.
   */
  private void hostState(Session s, boolean hostUp, long timestamp) {
    if (s != session || s.ended) {
      return;
    }
    if (timestamp < hostStateTimestamp) {
      LOG.debug("edge node {}/{}: STATE of '{}' from {} is older than {}; ignored", groupId, edgeNodeId,
          primaryHostId, timestamp, hostStateTimestamp);
      return;
    }
    hostStateTimestamp = timestamp;
    s.hostOnline = hostUp;
    if (hostUp) {
      if (s.subscribed && !s.online) {
        LOG.info("edge node {}/{}: primary host '{}' is online", groupId, edgeNodeId, primaryHostId);
        born(s);
      }
    } else if (s.online) {
      LOG.warn("edge node {}/{}: primary host '{}' went offline; ending the session (NDEATH) and buffering DATA until "
          + "it is back", groupId, edgeNodeId, primaryHostId);
      endSession(s);
      ended(s, new IllegalStateException("primary host '" + primaryHostId + "' offline"));
    }
  }

  /** Connected and subscribed to commands: NBIRTH, the devices' births, then what waited in the buffer. */
  private void born(Session s) {
    if (s != session || s.ended) {
      return;
    }
    if (closed) {
      s.client.disconnect();
      return;
    }
    s.online = true;
    waitingForHost = false;
    attempts = 0;
    sessions.incrementAndGet();
    long pending = outbox.pending();
    LOG.info("edge node {}/{} online at {}:{} (bdSeq {}{})", groupId, edgeNodeId, host, port, s.bdSeq,
        pending > 0 ? ", " + pending + " buffered record(s) to send" : "");
    offlineLogged = false;
    publishNodeBirth(s);
    online = true;
    work();
  }

  private void publishNodeBirth(Session s) {
    s.seq = 0;
    for (DeviceModel d : model.devices()) {
      d.born = false;
      model.unborn(d);
    }
    send(s, topicPrefix + "NBIRTH/" + edgeNodeId, payloads.nbirth(s.bdSeq, System.currentTimeMillis()),
        MqttQos.AT_MOST_ONCE);
    s.nextSeq();
  }

  private void rebirth(Session s) {
    if (s != session || !s.online) {
      return;
    }
    // What is buffered was made after the births being replaced: send it first, as current data.
    if (!drain(s)) {
      return;
    }
    publishNodeBirth(s);
    work();
  }

  /** Sends what the buffer holds, then brings the devices' births and deaths in line with their connections. */
  private void work() {
    Session s = session;
    if (s == null || !s.online || s.ended) {
      return;
    }
    if (drain(s)) {
      settleDevices(s);
    }
  }

  private void settleDevices(Session s) {
    for (DeviceModel d : model.devices()) {
      boolean up = model.isUp(d);
      if (up && !d.born) {
        deviceBirth(s, d);
      } else if (!up && d.born) {
        model.unborn(d);
        d.born = false;
        send(s, topicPrefix + "DDEATH/" + edgeNodeId + "/" + d.name(),
            payloads.ddeath(s.nextSeq(), System.currentTimeMillis()), MqttQos.AT_MOST_ONCE);
      }
    }
  }

  private void deviceBirth(Session s, DeviceModel d) {
    List<Payloads.Value> values = model.birth(d);
    d.born = true;
    send(s, topicPrefix + "DBIRTH/" + edgeNodeId + "/" + d.name(),
        payloads.dbirth(s.nextSeq(), values, System.currentTimeMillis()), MqttQos.AT_MOST_ONCE);
  }

  /**
   * Publishes the buffered records in order, acknowledging each batch once the connection took it. Returns false if
   * the session failed meanwhile.
   */
  private boolean drain(Session s) {
    while (!s.ended) {
      List<Outbox.Stored> batch = outbox.peek(DRAIN_BATCH);
      if (batch.isEmpty()) {
        return true;
      }
      List<CompletableFuture<?>> sent = new ArrayList<>(batch.size());
      List<Long> sequences = new ArrayList<>(batch.size());
      for (Outbox.Stored stored : batch) {
        NodeModel.Resolved r;
        try {
          DataRecord record = DataRecord.decode(stored.payload());
          r = model.resolve(record);
        } catch (IllegalArgumentException e) {
          unreadable.incrementAndGet();
          LOG.warn("edge node {}/{}: unreadable buffered record {} skipped: {}", groupId, edgeNodeId,
              stored.sequence(), e.getMessage());
          r = null;
        }
        if (r != null && !r.values().isEmpty()) {
          if (!r.device().born) {
            // A device with data but no birth in this session (it is down, or the data came before its birth).
            deviceBirth(s, r.device());
            r = model.resolve(DataRecord.decode(stored.payload()));
          }
          byte[] payload = payloads.ddata(s.nextSeq(), r.values(), r.historical(), System.currentTimeMillis());
          sent.add(send(s, topicPrefix + "DDATA/" + edgeNodeId + "/" + r.device().name(), payload, dataQos));
        } else {
          sent.add(CompletableFuture.completedFuture(null));
        }
        sequences.add(stored.sequence());
      }
      long delivered = -1;
      try {
        for (int i = 0; i < sent.size(); i++) {
          sent.get(i).get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
          delivered = sequences.get(i);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (ExecutionException | TimeoutException e) {
        if (delivered >= 0) {
          outbox.acknowledge(delivered);
        }
        // A publish the connection did not take: the session is lost; what was not taken is sent again later.
        LOG.debug("publish failed", e);
        s.client.disconnect();
        ended(s, e instanceof ExecutionException ? e.getCause() : e);
        return false;
      }
      outbox.acknowledge(delivered);
    }
    return false;
  }

  private CompletableFuture<?> send(Session s, String topic, byte[] payload, MqttQos qos) {
    published.incrementAndGet();
    return s.client.publish(Mqtt3Publish.builder().topic(topic).qos(qos).payload(payload).retain(false).build());
  }

  /** The session ended (connection lost, or never made): go offline and try again after the backoff. */
  private void ended(Session s, Throwable cause) {
    if (s != session || s.ended) {
      return;
    }
    s.ended = true;
    boolean wasOnline = s.online;
    s.online = false;
    online = false;
    waitingForHost = false;
    for (DeviceModel d : model.devices()) {
      d.born = false;
      model.unborn(d);
    }
    if (closed) {
      return;
    }
    attempts++;
    Duration delay = reconnect.delay(attempts, ThreadLocalRandom.current().nextDouble());
    String why = cause == null ? "disconnected" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    if (wasOnline || !offlineLogged) {
      // One line per outage, not one per attempt; the records made meanwhile wait in the buffer.
      LOG.warn("edge node {}/{} offline ({} at {}:{}); retrying, buffering DATA meanwhile", groupId, edgeNodeId, why,
          host, port);
      offlineLogged = true;
    } else {
      LOG.debug("edge node {}/{}: attempt {} failed: {}; next in {} ms", groupId, edgeNodeId, attempts, why,
          delay.toMillis());
    }
    executor.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void shutdown() {
    Session s = session;
    if (s == null || s.ended || s.client == null) {
      return;
    }
    s.ended = true;
    online = false;
    waitingForHost = false;
    endSession(s);
  }

  /** Ends a session on purpose: NDEATH by hand if it was born (a graceful disconnect discards the will), DISCONNECT. */
  private void endSession(Session s) {
    try {
      if (s.online) {
        // A graceful MQTT 3.1.1 disconnect discards the will, so the NDEATH is published by hand.
        send(s, topicPrefix + "NDEATH/" + edgeNodeId, payloads.ndeath(s.bdSeq, System.currentTimeMillis()),
            MqttQos.AT_LEAST_ONCE).get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      s.client.disconnect().get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug("edge node {}/{}: disconnect: {}", groupId, edgeNodeId, e.toString());
    }
  }

  // ------------------------------------------------------------------------------------------ builder

  /** Options of a {@link SparkplugEdgeNode}; broker, group id, edge node id and at least one device are required. */
  public static final class Builder {
    private URI broker;
    private String groupId;
    private String edgeNodeId;
    private String clientId;
    private String username;
    private byte[] password;
    private TrustManagerFactory trustManagers;
    private KeyManagerFactory keyManagers;
    private final List<SparkplugDevice> devices = new ArrayList<>();
    private Path bufferDirectory;
    private long bufferMaxBytes = 256L << 20;
    private int memoryRecords = 10_000;
    private ReconnectPolicy reconnect = ReconnectPolicy.defaults();
    private Duration keepAlive = Duration.ofSeconds(30);
    private Duration publishTimeout = Duration.ofSeconds(10);
    private int dataQos;
    private String primaryHostId;

    private Builder() {}

    /**
     * The broker: {@code tcp://host[:1883]} or {@code ssl://host[:8883]}.
     *
     * @throws IllegalArgumentException for another scheme, no host, or credentials in the URI (use
     *     {@link #credentials}: a URI ends up in logs)
     */
    public Builder broker(URI broker) {
      Objects.requireNonNull(broker, "broker");
      if (!"tcp".equals(broker.getScheme()) && !"ssl".equals(broker.getScheme())) {
        throw new IllegalArgumentException("broker scheme is not tcp or ssl: " + broker.getScheme());
      }
      if (broker.getRawUserInfo() != null) {
        // Not echoed: the URI holds a secret.
        throw new IllegalArgumentException("broker URI holds credentials; pass them to credentials() instead");
      }
      if (broker.getHost() == null) {
        throw new IllegalArgumentException("broker URI has no host: " + broker);
      }
      this.broker = broker;
      return this;
    }

    /** The Sparkplug group id, the first level of every topic. */
    public Builder groupId(String groupId) {
      this.groupId = SparkplugIds.check("group id", groupId);
      return this;
    }

    /** The edge node id. */
    public Builder edgeNodeId(String edgeNodeId) {
      this.edgeNodeId = SparkplugIds.check("edge node id", edgeNodeId);
      return this;
    }

    /** The MQTT client id; {@code <group>-<edge node>} by default. */
    public Builder clientId(String clientId) {
      this.clientId = Objects.requireNonNull(clientId, "clientId");
      return this;
    }

    /** Username and password for the broker; kept as given and never logged. Use TLS, or they travel in clear. */
    public Builder credentials(String username, char[] password) {
      this.username = Objects.requireNonNull(username, "username");
      this.password = new String(Objects.requireNonNull(password, "password")).getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /**
     * TLS for an {@code ssl://} broker: whom to trust (null: the JVM's default trust store) and the client's own key
     * for mutual TLS (null: none). The host name is verified against the broker's certificate.
     */
    public Builder tls(TrustManagerFactory trustManagers, KeyManagerFactory keyManagers) {
      this.trustManagers = trustManagers;
      this.keyManagers = keyManagers;
      return this;
    }

    /** Adds a device; its metrics' aliases follow the order devices and metrics are added. */
    public Builder device(SparkplugDevice device) {
      devices.add(Objects.requireNonNull(device, "device"));
      return this;
    }

    /**
     * The folder of the store-and-forward buffer (and of the bdSeq counter): DATA made while the broker is unreachable
     * survives a restart there. Without it, up to {@link #memoryRecords} records wait in memory.
     */
    public Builder bufferDirectory(Path bufferDirectory) {
      this.bufferDirectory = Objects.requireNonNull(bufferDirectory, "bufferDirectory");
      return this;
    }

    /** The most the buffer directory may hold; beyond it the oldest records are dropped (counted). 256 MiB by default. */
    public Builder bufferMaxBytes(long bufferMaxBytes) {
      if (bufferMaxBytes < 1024) {
        throw new IllegalArgumentException("bufferMaxBytes < 1024: " + bufferMaxBytes);
      }
      this.bufferMaxBytes = bufferMaxBytes;
      return this;
    }

    /** Records kept in memory while offline when there is no buffer directory; 10 000 by default. */
    public Builder memoryRecords(int memoryRecords) {
      if (memoryRecords < 1) {
        throw new IllegalArgumentException("memoryRecords < 1: " + memoryRecords);
      }
      this.memoryRecords = memoryRecords;
      return this;
    }

    /** The backoff between connection attempts. */
    public Builder reconnect(ReconnectPolicy reconnect) {
      this.reconnect = Objects.requireNonNull(reconnect, "reconnect");
      return this;
    }

    /** The MQTT keep-alive: how soon a dead link is noticed, and the broker publishes the NDEATH. 30 s by default. */
    public Builder keepAlive(Duration keepAlive) {
      if (keepAlive.toSeconds() < 1 || keepAlive.toSeconds() > 65535) {
        throw new IllegalArgumentException("keepAlive not in [1 s, 65535 s]: " + keepAlive);
      }
      this.keepAlive = keepAlive;
      return this;
    }

    /** How long a publish may wait for the connection before the session counts as lost. 10 s by default. */
    public Builder publishTimeout(Duration publishTimeout) {
      if (publishTimeout.isNegative() || publishTimeout.isZero()) {
        throw new IllegalArgumentException("publishTimeout <= 0: " + publishTimeout);
      }
      this.publishTimeout = publishTimeout;
      return this;
    }

    /**
     * The MQTT QoS of DDATA: 0 (the default, as the specification requires) or 1, so that a record leaves the buffer
     * only once the broker acknowledged it. Births and deaths stay at the specification's QoS.
     */
    public Builder dataQos(int dataQos) {
      if (dataQos != 0 && dataQos != 1) {
        throw new IllegalArgumentException("dataQos not 0 or 1: " + dataQos);
      }
      this.dataQos = dataQos;
      return this;
    }

    /**
     * The host application whose STATE the node follows (Sparkplug 3.0, topic {@code spBv1.0/STATE/<id>}, JSON
     * {@code {"online": true, "timestamp": ...}}): the node publishes its births only while that host is online, and
     * when the host goes offline it ends its session with an NDEATH and keeps DATA in its buffer until the host is
     * back, so that nothing is published that the host of record cannot receive. Not set by default: the node is
     * born as soon as it is connected.
     */
    public Builder primaryHostId(String primaryHostId) {
      this.primaryHostId = SparkplugIds.check("primary host id", primaryHostId);
      return this;
    }

    /**
     * Builds the node; nothing connects until {@link SparkplugEdgeNode#start()}.
     *
     * @throws IllegalArgumentException naming the missing or inconsistent option
     */
    public SparkplugEdgeNode build() {
      if (broker == null) {
        throw new IllegalArgumentException("broker not set");
      }
      if (groupId == null) {
        throw new IllegalArgumentException("groupId not set");
      }
      if (edgeNodeId == null) {
        throw new IllegalArgumentException("edgeNodeId not set");
      }
      if (devices.isEmpty()) {
        throw new IllegalArgumentException("edge node '" + edgeNodeId + "': no device added");
      }
      if ((trustManagers != null || keyManagers != null) && !"ssl".equals(broker.getScheme())) {
        throw new IllegalArgumentException("tls() set for a " + broker.getScheme() + ":// broker; use ssl://");
      }
      return new SparkplugEdgeNode(this);
    }
  }
}
