package io.aifactory.sdk.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * One in-process KRaft broker (controller and broker in one node) behind a {@link TcpProxy}: clients bootstrap at
 * the proxy and the broker advertises the proxy, so the test can cut the network without losing the broker's data.
 */
final class TestBroker implements AutoCloseable {
  private final TcpProxy proxy;
  private final KafkaClusterTestKit kit;
  private boolean closed;

  TestBroker() throws Exception {
    proxy = new TcpProxy();
    kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
        .setNumControllerNodes(1).build())
        .setConfigProp("advertised.listeners", "EXTERNAL://localhost:" + proxy.port())
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .build();
    kit.format();
    kit.startup();
    String real = kit.bootstrapServers(); // the real listener, e.g. localhost:40123
    proxy.target(Integer.parseInt(real.substring(real.lastIndexOf(':') + 1).split(",")[0]));
    proxy.up();
    kit.waitForReadyBrokers();
  }

  /** Where clients connect: the proxy. */
  String bootstrapServers() {
    return "localhost:" + proxy.port();
  }

  /** The network between clients and broker: {@code down()} cuts it, {@code up()} restores it. */
  TcpProxy proxy() {
    return proxy;
  }

  void createTopic(String name, int partitions) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }
  }

  /** Reads a topic from the start until {@code count} records arrived or {@code timeout} passed. */
  List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int count, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < count && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  @Override
  public synchronized void close() throws Exception {
    if (closed) return; // the kit's close is not idempotent
    closed = true;
    proxy.close();
    kit.close();
  }
}
