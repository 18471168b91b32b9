package io.aifactory.sdk.it.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.pipeline.ModelInfo;
import io.aifactory.sdk.core.pipeline.ThresholdAlarm;
import io.aifactory.sdk.opcua.server.OpcUaResultPublisher;
import io.aifactory.sdk.opcua.server.OpcUaResultServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline's results and alarms, published by {@link OpcUaResultPublisher}, as a SCADA's own OPC UA client sees
 * them over the socket: values with their StatusCodes, read and subscribed.
 */
class OpcUaResultPublisherTest {
  static final String PIPELINE = "spindles";
  static final List<String> MACHINES = List.of("spindle1", "spindle2");
  static final Duration DEADLINE = Duration.ofSeconds(15);

  @TempDir Path tmp;
  OpcUaResultServer server;
  OpcUaResultPublisher publisher;
  OpcUaClient client;
  final Map<String, List<DataValue>> seen = new ConcurrentHashMap<>();
  long sequence;

  @BeforeEach
  void start() throws Exception {
    server = OpcUaResultServer.newBuilder().port(0).pkiDir(tmp.resolve("pki")).hostnames(List.of("localhost"))
        .bindAddress("127.0.0.1").securityNone(true).anonymous(true).pipelineResults(PIPELINE, MACHINES).build();
    publisher = OpcUaResultPublisher.newBuilder(server).pipeline(PIPELINE).machines(MACHINES)
        .model(ModelInfo.of("spindle-pca", "1.4.0")).build();
    server.start();
    client = PlainMiloClient.connect(server.uri().toString(), SecurityPolicy.None, MessageSecurityMode.None, null, null);
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) client.disconnect();
    if (server != null) server.close();
  }

  private static NodeId node(String machine, String variable) {
    return NodeId.parse("ns=2;s=" + PIPELINE + "." + machine + "." + variable);
  }

  private DataValue read(NodeId node) throws Exception {
    return client.readValues(0.0, TimestampsToReturn.Both, List.of(node)).get(0);
  }

  /** Subscribes to the nodes; every notification is kept in {@link #seen}, by node. */
  private void subscribe(NodeId... nodes) throws Exception {
    OpcUaSubscription subscription = new OpcUaSubscription(client, 50.0);
    for (NodeId node : nodes) {
      List<DataValue> values = seen.computeIfAbsent(node.toParseableString(), k -> new CopyOnWriteArrayList<>());
      OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(node);
      item.setSamplingInterval(50.0);
      item.setDataValueListener((i, v) -> values.add(v));
      subscription.addMonitoredItem(item);
    }
    subscription.create();
    subscription.synchronizeMonitoredItems();
    for (OpcUaMonitoredItem item : subscription.getMonitoredItems()) {
      assertTrue(item.getCreateResult().orElseThrow().isGood(), () -> item.getReadValueId().getNodeId() + ": "
          + item.getCreateResult());
    }
  }

  /** Waits until a notification for {@code node} matches; returns it. */
  private DataValue awaitNotification(NodeId node, Predicate<DataValue> match, String what) throws Exception {
    List<DataValue> values = seen.get(node.toParseableString());
    assertTrue(OpcUaTestSupport.await(DEADLINE, () -> values.stream().anyMatch(match)),
        () -> "no notification of " + what + " on " + node + ", saw " + values);
    return values.stream().filter(match).findFirst().orElseThrow();
  }

  private MachineResult result(String machine, Quality quality, double score) {
    sequence += 8;
    long now = System.currentTimeMillis() * 1_000_000L;
    return quality.isBad()
        ? MachineResult.bad(PIPELINE, machine, sequence, now, quality, List.of("score"))
        : new MachineResult(PIPELINE, machine, sequence, now, quality, List.of("score"), new double[] {score});
  }

  @Test
  void shouldPublishAGoodResultThatAClientReadsAndSubscribesToWithGoodStatus() throws Exception {
    NodeId score = node("spindle2", OpcUaResultServer.ANOMALY_SCORE);
    DataValue before = read(score);
    assertEquals(StatusCodes.Bad_WaitingForInitialData, before.getStatusCode().getValue(), before::toString);
    subscribe(score);

    publisher.onResult(result("spindle2", Quality.GOOD, 0.42));

    DataValue notified = awaitNotification(score, v -> Double.valueOf(0.42).equals(v.getValue().getValue()), "0.42");
    assertTrue(notified.getStatusCode().isGood(), notified::toString);
    DataValue read = read(score);
    assertEquals(0.42, read.getValue().getValue());
    assertTrue(read.getStatusCode().isGood(), read::toString);
    assertEquals("spindle-pca", read(node("spindle2", OpcUaResultServer.MODEL_NAME)).getValue().getValue());
    assertEquals("1.4.0", read(node("spindle2", OpcUaResultServer.MODEL_VERSION)).getValue().getValue());
    // The first result says the alarm is not raised; the other machine has no result yet and still waits.
    DataValue alarm = read(node("spindle2", OpcUaResultServer.ALARM_STATE));
    assertEquals(false, alarm.getValue().getValue());
    assertTrue(alarm.getStatusCode().isGood(), alarm::toString);
    assertEquals(StatusCodes.Bad_WaitingForInitialData,
        read(node("spindle1", OpcUaResultServer.ANOMALY_SCORE)).getStatusCode().getValue());
  }

  @Test
  void shouldShowABadResultAsBadStatusKeepingTheLastRealValue() throws Exception {
    NodeId score = node("spindle1", OpcUaResultServer.ANOMALY_SCORE);
    publisher.onResult(result("spindle1", Quality.GOOD, 0.25));
    subscribe(score);
    awaitNotification(score, v -> v.getStatusCode().isGood() && Double.valueOf(0.25).equals(v.getValue().getValue()),
        "GOOD 0.25");

    publisher.onResult(result("spindle1", Quality.bad(Quality.Reason.STALE_INPUT, "inputs missing"), 0));

    DataValue notified = awaitNotification(score, v -> v.getStatusCode().isBad(), "a Bad status");
    assertEquals(StatusCodes.Bad_NoCommunication, notified.getStatusCode().getValue(), notified::toString);
    DataValue read = read(score);
    assertTrue(read.getStatusCode().isBad(), read::toString);
    assertEquals(0.25, read.getValue().getValue(), "the last real value stays, marked bad; never NaN or zero");

    // An UNCERTAIN result (held inputs) carries its number with an Uncertain status; then GOOD again.
    publisher.onResult(result("spindle1", Quality.uncertain(Quality.Reason.STALE_INPUT, 0, "held"), 0.3));
    DataValue uncertain = awaitNotification(score, v -> v.getStatusCode().isUncertain(), "an Uncertain status");
    assertEquals(0.3, uncertain.getValue().getValue());
    publisher.onResult(result("spindle1", Quality.GOOD, 0.2));
    awaitNotification(score, v -> v.getStatusCode().isGood() && Double.valueOf(0.2).equals(v.getValue().getValue()),
        "GOOD 0.2");
  }

  @Test
  void shouldFlipAlarmStateWhenAThresholdAlarmRaisesAndClears() throws Exception {
    NodeId alarmState = node("spindle2", OpcUaResultServer.ALARM_STATE);
    NodeId otherAlarm = node("spindle1", OpcUaResultServer.ALARM_STATE);
    ThresholdAlarm alarm = ThresholdAlarm.newBuilder().name("anomaly").raiseAbove(0.8).clearBelow(0.5)
        .listener(publisher).build();
    // Results reach the publisher and the alarm, in the order a pipeline would hand them over.
    for (String machine : MACHINES) {
      MachineResult r = result(machine, Quality.GOOD, 0.1);
      publisher.onResult(r);
      alarm.onResult(r);
    }
    subscribe(alarmState, otherAlarm);
    awaitNotification(alarmState, v -> Boolean.FALSE.equals(v.getValue().getValue()) && v.getStatusCode().isGood(),
        "AlarmState false");

    MachineResult high = result("spindle2", Quality.GOOD, 0.95);
    publisher.onResult(high);
    alarm.onResult(high);
    assertTrue(alarm.isRaised("spindle2"));
    DataValue raised = awaitNotification(alarmState, v -> Boolean.TRUE.equals(v.getValue().getValue()),
        "AlarmState true");
    assertTrue(raised.getStatusCode().isGood(), raised::toString);
    assertEquals(Boolean.FALSE, read(otherAlarm).getValue().getValue(), "only spindle2's alarm is raised");

    MachineResult low = result("spindle2", Quality.GOOD, 0.2);
    publisher.onResult(low);
    alarm.onResult(low);
    int raisedAt = seen.get(alarmState.toParseableString()).indexOf(raised);
    assertTrue(OpcUaTestSupport.await(DEADLINE, () -> {
      List<DataValue> values = seen.get(alarmState.toParseableString());
      return values.subList(raisedAt + 1, values.size()).stream()
          .anyMatch(v -> Boolean.FALSE.equals(v.getValue().getValue()));
    }), () -> "AlarmState did not clear: " + seen.get(alarmState.toParseableString()));
    assertEquals(Boolean.FALSE, read(alarmState).getValue().getValue());
  }

  @Test
  void shouldKeepAlarmStateRaisedWhileAnyAlarmIsRaised() throws Exception {
    NodeId alarmState = node("spindle1", OpcUaResultServer.ALARM_STATE);
    long t = System.currentTimeMillis() * 1_000_000L;
    publisher.onAlarm(new AlarmEvent("anomaly", PIPELINE, "spindle1", AlarmEvent.Kind.RAISED, 0.9, 0.8, t));
    publisher.onAlarm(new AlarmEvent("temperature", PIPELINE, "spindle1", AlarmEvent.Kind.RAISED, 95, 90, t));
    publisher.onAlarm(new AlarmEvent("anomaly", PIPELINE, "spindle1", AlarmEvent.Kind.CLEARED, 0.4, 0.5, t));
    assertEquals(Boolean.TRUE, read(alarmState).getValue().getValue(), "temperature is still raised");
    publisher.onAlarm(new AlarmEvent("temperature", PIPELINE, "spindle1", AlarmEvent.Kind.CLEARED, 80, 85, t));
    assertEquals(Boolean.FALSE, read(alarmState).getValue().getValue());
  }

  @Test
  void shouldMarkEverythingOutOfServiceWhenThePipelineCloses() throws Exception {
    publisher.onResult(result("spindle1", Quality.GOOD, 0.5));
    publisher.close();
    DataValue score = read(node("spindle1", OpcUaResultServer.ANOMALY_SCORE));
    assertEquals(StatusCodes.Bad_OutOfService, score.getStatusCode().getValue(), score::toString);
    assertEquals(0.5, score.getValue().getValue());
    assertEquals(StatusCodes.Bad_OutOfService,
        read(node("spindle1", OpcUaResultServer.ALARM_STATE)).getStatusCode().getValue());
  }

  @Test
  void shouldRefuseMachinesTheServerDoesNotPublish() {
    IllegalArgumentException atBuild = assertThrows(IllegalArgumentException.class,
        () -> OpcUaResultPublisher.newBuilder(server).pipeline(PIPELINE).machines(List.of("spindle3")).build());
    assertTrue(atBuild.getMessage().contains("spindles.spindle3.AnomalyScore"), atBuild.getMessage());
    IllegalArgumentException atResult = assertThrows(IllegalArgumentException.class,
        () -> publisher.onResult(new MachineResult("presses", "spindle1", 1, 0, Quality.GOOD, List.of("score"),
            new double[] {1})));
    assertTrue(atResult.getMessage().contains("presses"), atResult.getMessage());
  }
}
