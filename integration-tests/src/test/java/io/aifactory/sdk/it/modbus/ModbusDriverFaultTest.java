package io.aifactory.sdk.it.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceException;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.DeviceTimeoutException;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.ProtocolException;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.ReconnectPolicy;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.modbus.MalformedReply;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each failure the driver promises to survive, injected into the simulated PLC, and what the driver makes of it. */
class ModbusDriverFaultTest {
  private static final Tag LEVEL = Tag.of("level", "holding:10:float32:cdab", DataType.FLOAT32);
  private static final Tag COUNT = Tag.of("count", "holding:20:uint16", DataType.UINT16);
  private static final List<Tag> TAGS = List.of(LEVEL, COUNT);

  private ModbusSimulator plc;
  private Device device;
  private final List<ConnectionState> states = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() {
    if (device != null) device.close();
    if (plc != null) plc.close();
  }

  private void open(boolean rtuOverTcp) {
    open(rtuOverTcp, "");
  }

  private void open(boolean rtuOverTcp, String query) {
    open(rtuOverTcp, query, Duration.ofMillis(500));
  }

  private void open(boolean rtuOverTcp, String query, Duration requestTimeout) {
    plc = ModbusSimulator.newBuilder().unit(1, TAGS).rtuOverTcp(rtuOverTcp).build();
    plc.start();
    plc.set("level", 4.5);
    plc.set("count", 3);
    DeviceOptions options = DeviceOptions.newBuilder()
        .requestTimeout(requestTimeout)
        .connectTimeout(Duration.ofMillis(500))
        .reconnectPolicy(ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(100)).build())
        .build();
    device = Devices.open(plc.uri() + query, options);
    device.addStateListener((d, state, cause) -> states.add(state));
    device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
  }

  private void awaitGoodRead() {
    Await.until("a GOOD read", () -> device.read(TAGS).join().allGood());
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldTimeOutRatherThanHangWhileThePlcStalls(boolean rtuOverTcp) {
    open(rtuOverTcp);
    plc.stall(true);
    SampleBatch batch = device.read(TAGS).orTimeout(10, TimeUnit.SECONDS).join();
    assertEquals(Quality.Reason.TIMEOUT, batch.quality(0).reason());
    assertTrue(Double.isNaN(batch.doubleValue(0)), "no stale value passed off as fresh");
    CompletionException write = assertThrows(CompletionException.class,
        () -> {
          device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
          device.write(COUNT, 9).orTimeout(10, TimeUnit.SECONDS).join();
        });
    assertInstanceOf(DeviceTimeoutException.class, write.getCause());
    plc.stall(false);
    awaitGoodRead();
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldReleaseTheConnectionAndFailPendingWorkWhenClosedWhileThePlcStalls(boolean rtuOverTcp) {
    // A request timeout far beyond the await deadline: close() must not wait for the stalled request to time out.
    open(rtuOverTcp, "", Duration.ofSeconds(60));
    Await.until("one open connection", () -> plc.openConnections() == 1);
    plc.stall(true);
    CompletableFuture<Void> inFlight = device.write(COUNT, 9);
    CompletableFuture<SampleBatch> queued = device.read(TAGS);
    Await.until("the PLC has the write", () -> plc.requestCount(6) > 0);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(device::close);
    CompletionException write = assertThrows(CompletionException.class, () -> inFlight.orTimeout(10, TimeUnit.SECONDS).join());
    assertInstanceOf(DeviceException.class, write.getCause());
    // A failed read is a BAD sample: the queued read answers BAD(DISCONNECTED) rows, as a read in progress does.
    SampleBatch read = queued.orTimeout(10, TimeUnit.SECONDS).join();
    assertEquals(Quality.Reason.DISCONNECTED, read.quality(0).reason());
    assertEquals(Quality.Reason.DISCONNECTED, read.quality(1).reason());
    closing.orTimeout(10, TimeUnit.SECONDS).join();
    assertEquals(ConnectionState.CLOSED, device.state());
    assertEquals(ConnectionState.CLOSED, states.get(states.size() - 1), "listeners heard CLOSED last, before close() returned: " + states);
    Await.until("the PLC sees the connection closed", () -> plc.openConnections() == 0);
  }

  @Test
  void shouldTimeOutRepliesDelayedPastTheRequestTimeoutButNotShortDelays() {
    open(false);
    plc.delayReplies(Duration.ofMillis(1500));
    assertEquals(Quality.Reason.TIMEOUT, device.read(TAGS).join().quality(1).reason());
    plc.delayReplies(Duration.ofMillis(20));
    Await.until("a GOOD read of 3", () -> {
      SampleBatch b = device.read(TAGS).join();
      return b.allGood() && Long.valueOf(3).equals(b.value(1));
    });
  }

  @ParameterizedTest
  @EnumSource(value = MalformedReply.class, names = {"WRONG_TRANSACTION_ID", "WRONG_PROTOCOL_ID", "TRUNCATED_PDU",
      "BYTE_COUNT_MISMATCH", "WRONG_FUNCTION_CODE"})
  void shouldRaiseAProtocolErrorAndResetTheConnectionOnMalformedTcpReplies(MalformedReply mode) {
    open(false);
    assertMalformedRepliesAreRefused(mode);
  }

  @ParameterizedTest
  @EnumSource(value = MalformedReply.class, names = {"WRONG_TRANSACTION_ID", "TRUNCATED_PDU", "BYTE_COUNT_MISMATCH",
      "WRONG_FUNCTION_CODE", "BAD_CRC"})
  void shouldRaiseAProtocolErrorAndResetTheConnectionOnMalformedRtuReplies(MalformedReply mode) {
    open(true);
    assertMalformedRepliesAreRefused(mode);
  }

  private void assertMalformedRepliesAreRefused(MalformedReply mode) {
    long connections = plc.connectionCount();
    plc.malformReplies(mode);
    SampleBatch batch = device.read(TAGS).orTimeout(10, TimeUnit.SECONDS).join();
    Quality.Reason reason = batch.quality(0).reason();
    // RTU frames have no length field: a cut frame, or one whose byte count promises more than comes, is told from
    // a slow reply only by the timeout. Either way the tag is BAD, never a value.
    boolean rtuLength = plc.uri().getScheme().equals("modbus+rtu+tcp")
        && (mode == MalformedReply.TRUNCATED_PDU || mode == MalformedReply.BYTE_COUNT_MISMATCH);
    assertTrue(reason == Quality.Reason.PROTOCOL_ERROR || (rtuLength && reason == Quality.Reason.TIMEOUT),
        mode + ": " + batch.quality(0));
    assertTrue(batch.quality(1).isBad());
    Await.until("the connection was reset", () -> states.contains(ConnectionState.DISCONNECTED));
    device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
    if (mode != MalformedReply.BYTE_COUNT_MISMATCH) { // write replies carry no byte count
      CompletionException write = assertThrows(CompletionException.class,
          () -> device.write(COUNT, 9).orTimeout(10, TimeUnit.SECONDS).join());
      assertInstanceOf(DeviceException.class, write.getCause());
    }
    plc.malformReplies(MalformedReply.NONE);
    Await.until("a GOOD read of 4.5", () -> {
      SampleBatch b = device.read(TAGS).join();
      return b.allGood() && b.doubleValue(0) == 4.5;
    });
    assertTrue(plc.connectionCount() > connections, "the driver reconnected");
  }

  @ParameterizedTest
  @EnumSource(value = MalformedReply.class, names = {"WRONG_TRANSACTION_ID", "WRONG_PROTOCOL_ID", "TRUNCATED_PDU",
      "BYTE_COUNT_MISMATCH", "WRONG_FUNCTION_CODE"})
  void shouldRefuseMalformedRepliesToPipelinedRequests(MalformedReply mode) {
    open(false, "&pipeline=4&maxGap=0");
    assertMalformedRepliesAreRefused(mode);
  }

  @Test
  void shouldTimeOutPipelinedRequestsWhileThePlcStalls() {
    open(false, "&pipeline=4&maxGap=0");
    plc.stall(true);
    SampleBatch batch = device.read(TAGS).orTimeout(10, TimeUnit.SECONDS).join();
    assertEquals(Quality.Reason.TIMEOUT, batch.quality(0).reason());
    assertEquals(Quality.Reason.TIMEOUT, batch.quality(1).reason());
    plc.stall(false);
    awaitGoodRead();
  }

  @Test
  void shouldSeeAWrongTransactionIdAsAProtocolErrorNamingBothIds() {
    open(false);
    plc.malformReplies(MalformedReply.WRONG_TRANSACTION_ID);
    device.whenConnected().join();
    CompletionException e = assertThrows(CompletionException.class, () -> device.write(COUNT, 1).join());
    ProtocolException p = assertInstanceOf(ProtocolException.class, e.getCause());
    assertTrue(p.getMessage().contains("transaction id"), p.getMessage());
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldMarkMissedPollsBadWhilePlcIsDownAndResumeByItselfAfterARestart(boolean rtuOverTcp) {
    open(rtuOverTcp);
    List<SampleBatch> batches = new CopyOnWriteArrayList<>();
    try (Subscription sub = device.subscribe(TAGS, SubscriptionOptions.every(Duration.ofMillis(20)), batches::add)) {
      Await.until("a GOOD poll", () -> batches.stream().anyMatch(SampleBatch::allGood));
      plc.stop();
      Await.until("the device noticed", () -> device.state() == ConnectionState.DISCONNECTED);
      int mark = batches.size();
      Await.until("several polls while down", () -> batches.size() >= mark + 5);
      for (SampleBatch b : batches.subList(mark, mark + 5)) {
        assertEquals(TAGS.size(), b.size(), "every tag has a row: no silent gap");
        for (int i = 0; i < b.size(); i++) {
          assertEquals(Quality.Reason.DISCONNECTED, b.quality(i).reason());
          assertTrue(Double.isNaN(b.doubleValue(i)));
        }
      }
      plc.set("count", 4);
      plc.start();
      Await.until("polls resume by themselves", () -> {
        SampleBatch last = batches.get(batches.size() - 1);
        return last.allGood() && Long.valueOf(4).equals(last.value(1));
      });
      assertEquals(ConnectionState.CONNECTED, device.state());
    }
  }

  @Test
  void shouldKeepPollingThroughMalformedRepliesAndRecover() {
    open(false);
    List<SampleBatch> batches = new CopyOnWriteArrayList<>();
    try (Subscription sub = device.subscribe(TAGS, SubscriptionOptions.every(Duration.ofMillis(20)), batches::add)) {
      Await.until("a GOOD poll", () -> batches.stream().anyMatch(SampleBatch::allGood));
      plc.malformReplies(MalformedReply.WRONG_FUNCTION_CODE);
      Await.until("a poll with a protocol error",
          () -> batches.stream().anyMatch(b -> b.quality(0).reason() == Quality.Reason.PROTOCOL_ERROR));
      plc.malformReplies(MalformedReply.NONE);
      int mark = batches.size();
      Await.until("GOOD polls again", () -> batches.size() > mark && batches.get(batches.size() - 1).allGood());
    }
  }

  @Test
  void shouldReconnectAfterConnectionsAreDropped() {
    open(false);
    long connections = plc.connectionCount();
    plc.dropConnections();
    SampleBatch batch = device.read(TAGS).join();
    // The drop is seen on the next request (a closed socket) or as no connection: a BAD row either way, not a hang.
    assertTrue(batch.allGood() || batch.quality(0).isBad());
    awaitGoodRead();
    Await.until("a new connection", () -> plc.connectionCount() > connections);
  }

  @Test
  void shouldCountOverrunsInsteadOfQueueingPolls() {
    open(false);
    plc.delayReplies(Duration.ofMillis(150));
    List<SampleBatch> batches = new CopyOnWriteArrayList<>();
    try (Subscription sub = device.subscribe(TAGS, SubscriptionOptions.every(Duration.ofMillis(20)), batches::add)) {
      Await.until("overruns counted", () -> sub.overruns() >= 10);
      long requests = plc.requestCount();
      assertTrue(requests < sub.overruns(), "skipped polls were not sent later: requests=" + requests + " overruns=" + sub.overruns());
    }
  }

  @Test
  void shouldReportDeadbandedTagsOnlyOnBigEnoughChangesOrHeartbeat() {
    open(false);
    Tag level = LEVEL.toBuilder().deadband(1.0).build();
    List<SampleBatch> batches = new CopyOnWriteArrayList<>();
    SubscriptionOptions options = SubscriptionOptions.newBuilder().samplingInterval(Duration.ofMillis(10)).build();
    try (Subscription sub = device.subscribe(List.of(level), options, batches::add)) {
      Await.until("the first value", () -> !batches.isEmpty());
      plc.set("level", 5.0);
      plc.set("level", 5.4);
      int before = batches.size();
      plc.set("level", 7.0);
      Await.until("the big change", () -> batches.stream().anyMatch(b -> b.doubleValue(0) == 7.0));
      for (SampleBatch b : batches) {
        // A BAD row (a poll that timed out on a loaded machine) is always reported; only GOOD values are filtered.
        assertTrue(!b.isGood(0) || b.doubleValue(0) == 4.5 || b.doubleValue(0) == 7.0, "a change within the deadband was reported: " + b);
      }
      assertTrue(batches.stream().skip(before).filter(b -> b.isGood(0)).count() <= 1);
    }
    List<SampleBatch> beats = new CopyOnWriteArrayList<>();
    SubscriptionOptions heartbeat = options.toBuilder().heartbeat(Duration.ofMillis(50)).build();
    try (Subscription sub = device.subscribe(List.of(level), heartbeat, beats::add)) {
      Await.until("heartbeats of an unchanged value", () -> beats.size() >= 3);
    }
  }

  @Test
  void shouldFailWritesAtOnceWhileDisconnectedAndReadsWithBadRows() {
    open(false);
    plc.stop();
    Await.until("the device noticed", () -> {
      device.read(TAGS).join();
      return device.state() == ConnectionState.DISCONNECTED;
    });
    SampleBatch batch = device.read(TAGS).join();
    assertEquals(Quality.Reason.DISCONNECTED, batch.quality(0).reason());
    CompletionException e = assertThrows(CompletionException.class, () -> device.write(COUNT, 1).join());
    assertInstanceOf(DeviceException.class, e.getCause());
  }

  @Test
  void shouldCloseFromItsOwnListenerWithoutWaitingForItself() {
    open(false);
    java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
    device.subscribe(TAGS, SubscriptionOptions.every(Duration.ofMillis(20)), batch -> {
      device.close();
      closed.complete(null);
    });
    closed.orTimeout(10, TimeUnit.SECONDS).join();
    assertEquals(ConnectionState.CLOSED, device.state());
  }

  @Test
  void shouldFailPendingOperationsWhenClosed() {
    open(false);
    plc.stall(true);
    var first = device.read(TAGS);
    var second = device.read(TAGS);
    device.close();
    assertEquals(ConnectionState.CLOSED, device.state());
    first.orTimeout(10, TimeUnit.SECONDS).handle((b, t) -> null).join();
    second.orTimeout(10, TimeUnit.SECONDS).handle((b, t) -> null).join();
    assertThrows(CompletionException.class, () -> device.read(TAGS).join());
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldAnswerAReadInProgressWithDisconnectedRowsWhenClosed(boolean rtuOverTcp) {
    open(rtuOverTcp, "", Duration.ofSeconds(60)); // the read stays in progress until close()
    plc.stall(true);
    CompletableFuture<SampleBatch> inFlight = device.read(TAGS);
    Await.until("the PLC has the read", () -> plc.requestCount(3) > 0);
    CompletableFuture<Void> queuedWrite = device.write(COUNT, 9);
    device.close();
    SampleBatch batch = inFlight.orTimeout(10, TimeUnit.SECONDS).join();
    assertEquals(2, batch.size());
    assertEquals(Quality.Reason.DISCONNECTED, batch.quality(0).reason());
    assertEquals(Quality.Reason.DISCONNECTED, batch.quality(1).reason());
    CompletionException write = assertThrows(CompletionException.class, () -> queuedWrite.orTimeout(10, TimeUnit.SECONDS).join());
    assertInstanceOf(DeviceException.class, write.getCause());
    CompletionException after = assertThrows(CompletionException.class, () -> device.read(TAGS).join());
    assertInstanceOf(DeviceException.class, after.getCause(), "a read issued after close() is misuse");
  }
}
