package io.aifactory.sdk.sparkplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.eclipse.tahu.model.MetricDataTypeMap;
import org.eclipse.tahu.protobuf.SparkplugBProto;

/**
 * The host application side of the tests: subscribes to a group on the broker, directly (never through the node's
 * link), and decodes each message twice, independently of the code under test: with Tahu's decoder (using the
 * aliases and types learnt from the births, as a host does) and as the raw Sparkplug B protobuf, to check what is
 * and is not on the wire.
 */
final class HostRecorder implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);

  private final String group;
  private final Mqtt3AsyncClient client;
  private final BlockingQueue<Msg> queue = new LinkedBlockingQueue<>();
  private final Map<String, MetricDataTypeMap> types = new HashMap<>();

  HostRecorder(int port, String group) throws Exception {
    this.group = group;
    this.client = MqttClient.builder().useMqttVersion3().identifier("host-" + group).serverHost("127.0.0.1")
        .serverPort(port).buildAsync();
    client.connectWith().cleanSession(true).send().get(10, TimeUnit.SECONDS);
    client.subscribeWith().topicFilter("spBv1.0/" + group + "/#").qos(MqttQos.AT_LEAST_ONCE)
        .callback(p -> {
          // A host hears its own commands on a group-wide subscription; they are not the node's messages.
          String type = p.getTopic().getLevels().get(2);
          if (!type.equals("NCMD") && !type.equals("DCMD")) {
            queue.add(new Msg(p));
          }
        }).send().get(10, TimeUnit.SECONDS);
  }

  /** A received message, decoded. */
  final class Msg {
    final String topic;
    final String type;
    final String node;
    final String device;
    final SparkplugBProto.Payload raw;
    final SparkplugBPayload payload;

    Msg(Mqtt3Publish p) {
      topic = p.getTopic().toString();
      String[] levels = topic.split("/");
      type = levels[2];
      node = levels[3];
      device = levels.length > 4 ? levels[4] : null;
      byte[] bytes = p.getPayloadAsBytes();
      try {
        raw = SparkplugBProto.Payload.parseFrom(bytes);
        String key = node + "/" + device;
        if (type.equals("DBIRTH")) {
          // A host learns each alias's type from the birth; DATA carries neither names nor types.
          MetricDataTypeMap map = new MetricDataTypeMap();
          for (SparkplugBProto.Payload.Metric m : raw.getMetricsList()) {
            map.addMetricDataType(m.getAlias(), MetricDataType.fromInteger(m.getDatatype()));
          }
          types.put(key, map);
        }
        MetricDataTypeMap map = type.equals("DDATA") ? types.get(key) : null;
        payload = new SparkplugBPayloadDecoder().buildFromByteArray(bytes, map);
      } catch (Exception e) {
        throw new AssertionError("undecodable " + topic, e);
      }
    }

    long seq() {
      return raw.getSeq();
    }

    Metric metric(String name) {
      return payload.getMetrics().stream().filter(m -> name.equals(m.getName())).findFirst()
          .orElseThrow(() -> new AssertionError(topic + " has no metric " + name));
    }

    /** Returns the Quality property of a metric on the wire. */
    int quality(SparkplugBProto.Payload.Metric m) {
      SparkplugBProto.Payload.PropertySet p = m.getProperties();
      for (int i = 0; i < p.getKeysCount(); i++) {
        if (p.getKeys(i).equals("Quality")) {
          return p.getValues(i).getIntValue();
        }
      }
      throw new AssertionError(topic + ": metric " + m.getAlias() + " has no Quality property");
    }

    @Override
    public String toString() {
      return topic + " seq=" + (raw.hasSeq() ? raw.getSeq() : "-") + " " + payload.getMetrics();
    }
  }

  /** Returns the next message, failing after {@link #WAIT}. */
  Msg next() throws InterruptedException {
    Msg m = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (m == null) {
      fail("no Sparkplug message within " + WAIT);
    }
    return m;
  }

  /** Returns the next message and checks its type and device. */
  Msg expect(String type, String device) throws InterruptedException {
    Msg m = next();
    assertEquals(type + " " + device, m.type + " " + m.device, "unexpected message " + m);
    return m;
  }

  /** Skips messages until one matches. */
  Msg await(Predicate<Msg> match) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Msg m = queue.poll(100, TimeUnit.MILLISECONDS);
      if (m != null && match.test(m)) {
        return m;
      }
    }
    throw new AssertionError("no matching Sparkplug message within " + WAIT);
  }

  /** Returns what arrived so far without waiting. */
  List<Msg> received() {
    List<Msg> all = new java.util.ArrayList<>();
    queue.drainTo(all);
    return all;
  }

  /** Publishes a primary host application's STATE as Sparkplug 3.0 defines it: retained, QoS 1, JSON. */
  void hostState(String hostId, boolean online, long timestamp) throws Exception {
    rawState(hostId, "{\"online\": " + online + ", \"timestamp\": " + timestamp + "}");
  }

  /** Publishes {@code payload} on a host's STATE topic, retained. */
  void rawState(String hostId, String payload) throws Exception {
    client.publishWith().topic("spBv1.0/STATE/" + hostId).qos(MqttQos.AT_LEAST_ONCE).retain(true)
        .payload(payload.getBytes(StandardCharsets.UTF_8)).send().get(10, TimeUnit.SECONDS);
  }

  /** Publishes a command as a host would: encoded with Tahu, metrics by name. */
  void command(String type, String node, String device, List<Metric> metrics) throws Exception {
    SparkplugBPayload p = new SparkplugBPayload.SparkplugBPayloadBuilder().setTimestamp(new java.util.Date())
        .addMetrics(metrics).createPayload();
    String topic = "spBv1.0/" + group + "/" + type + "/" + node + (device == null ? "" : "/" + device);
    client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
        .payload(new SparkplugBPayloadEncoder().getBytes(p, false)).send().get(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    client.disconnect().get(10, TimeUnit.SECONDS);
  }
}
