package io.aifactory.sdk.modbus.internal;

import com.ghgande.j2mod.modbus.util.SerialParameters;
import io.aifactory.sdk.core.AddressException;
import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceMetrics;
import io.aifactory.sdk.core.DeviceException;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.DeviceTimeoutException;
import io.aifactory.sdk.core.ProtocolException;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.SampleListener;
import io.aifactory.sdk.core.StateListener;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.spi.ConnectionTracker;
import io.aifactory.sdk.modbus.ModbusAddress;
import io.aifactory.sdk.modbus.ModbusCodec;
import io.aifactory.sdk.modbus.ModbusDeviceException;
import io.aifactory.sdk.modbus.ModbusExceptionCode;
import io.aifactory.sdk.modbus.ModbusTable;
import io.aifactory.sdk.modbus.WordOrder;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Modbus device: one connection, used by one I/O thread that runs every request in turn (so requests are
 * serialised and need no locks), plus one scheduler thread for poll ticks and reconnect timers, plus one callback
 * thread. Poll ticks stay on time while the I/O thread waits on the network: a tick that finds the device
 * disconnected delivers BAD (DISCONNECTED) samples at once, and a tick that finds the previous poll still running is
 * counted as an overrun.
 *
 * <p>No user code runs on the I/O or the scheduler thread: sample batches, state changes and the completion of
 * {@link #whenConnected()} are handed to the callback thread, in the order they happened. A listener that blocks on
 * {@link #read} or {@link #write} therefore only delays later callbacks, never the requests it waits for.
 */
public final class ModbusDevice implements Device {
  private static final Logger log = LoggerFactory.getLogger(ModbusDevice.class);

  private final URI uri;
  private final ModbusSettings settings;
  private final DeviceOptions options;
  private final Supplier<Transport> transports;
  /** Per-request limits, lowered when the device answers ILLEGAL_DATA_VALUE to a merged request. */
  private volatile int registerLimit;
  private volatile int bitLimit;
  private final ConnectionTracker tracker;
  private final Holes holes = new Holes();
  private final Quality disconnected;
  private final List<PollingSubscription> subscriptions = new CopyOnWriteArrayList<>();
  private final Counters counters = new Counters(this::missedPolls, this::pipelineDepth);
  /** Missed polls of subscriptions that were closed. */
  private final AtomicLong retiredMissedPolls = new AtomicLong();
  private volatile boolean everConnected;
  private final Map<List<Tag>, ReadPlan> plans = new ConcurrentHashMap<>();
  private volatile ReadPlan recentPlan;
  private volatile boolean closed;
  /**
   * The connection's state as the I/O thread sees it, which {@link #read}, {@link #write} and {@link #state} use;
   * the tracker (listeners) and {@code connected} (whenConnected) follow it on the callback thread.
   */
  private volatile ConnectionState state = ConnectionState.CONNECTING;
  private final Object stateLock = new Object();
  private CompletableFuture<Void> connected = new CompletableFuture<>();
  private ThreadPoolExecutor io;
  private volatile Thread ioThread;
  private ScheduledThreadPoolExecutor scheduler;
  /** Runs listeners and whenConnected dependents, one at a time, in the order the I/O and scheduler threads hand them over. */
  private ThreadPoolExecutor callbacks;
  private volatile Thread callbackThread;

  // I/O thread only
  private final byte[] request = new byte[260];
  private final byte[] response = new byte[260];
  private Transport transport;
  /** The transport in use and when its current exchange began (0 when idle), for the watchdog. */
  private volatile Transport watched;
  private volatile long exchangeStartedNanos;
  /** A transport whose connect() is under way, for close(). */
  private volatile Transport connecting;
  private int attempts;
  /** The last failed attempt's reason since the last connection, so that a reason is logged at WARN once. */
  private String lastAttemptFailure;
  /** The device answered ILLEGAL_FUNCTION to FC22 (mask write) or FC06 (write single register): avoid them. */
  private boolean noMaskWrite;
  private boolean noSingleWrite;
  /**
   * Units that answered on this connection since the last timeout. A timeout closes the connection only if no other
   * unit answered since the previous one: a silent slave on a shared bus is that slave's failure, while a connection
   * on which nobody answers is dead (and a device with one unit resets at its first timeout, as before).
   */
  private final BitSet answeredSinceTimeout = new BitSet(256);
  /** Units that timed out in the cycle being executed: their later requests in it are not sent. */
  private final BitSet silentThisCycle = new BitSet(256);
  private final PipelineStallDetector stalls = new PipelineStallDetector();
  /** Set once pipelined replies were seen to stall (a device with Nagle's algorithm on): requests go one by one. */
  private volatile boolean pipelineOff;

  ModbusDevice(ModbusSettings settings, DeviceOptions options) {
    this(settings, options, transportFactory(settings));
  }

  ModbusDevice(ModbusSettings settings, DeviceOptions options, Supplier<Transport> transports) {
    this.uri = settings.uri;
    this.settings = settings;
    this.options = options;
    this.transports = transports;
    this.registerLimit = settings.maxRegisters;
    this.bitLimit = settings.maxBits;
    this.tracker = new ConnectionTracker(this);
    this.disconnected = Quality.bad(Quality.Reason.DISCONNECTED, "no connection to " + uri);
  }

  private static Supplier<Transport> transportFactory(ModbusSettings s) {
    int connectMillis = (int) Math.min(Integer.MAX_VALUE, s.connectTimeout.toMillis());
    long requestNanos = s.requestTimeout.toNanos();
    switch (s.framing) {
      case TCP: return () -> new TcpTransport(s.host, s.port, connectMillis, requestNanos);
      case RTU_OVER_TCP: return () -> new RtuOverTcpTransport(s.host, s.port, connectMillis, requestNanos);
      default:
        return () -> {
          SerialParameters p = new SerialParameters();
          p.setPortName(s.serialPort);
          p.setBaudRate(s.baud);
          p.setDatabits(s.dataBits);
          p.setStopbits(s.stopBits);
          p.setParity(s.parity);
          p.setEncoding("rtu");
          return new SerialTransport(p, (int) Math.max(1, s.requestTimeout.toMillis()));
        };
    }
  }

  /** Starts the device's threads and its first connection attempt; called once by the driver. */
  void start() {
    String name = uri.toString();
    ThreadFactory ioFactory = daemon("modbus-io " + name);
    io = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = ioFactory.newThread(r);
      ioThread = t;
      return t;
    });
    ThreadFactory callbackFactory = daemon("modbus-callback " + name);
    callbacks = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = callbackFactory.newThread(r);
      callbackThread = t;
      return t;
    });
    scheduler = new ScheduledThreadPoolExecutor(1, daemon("modbus-poll " + name));
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    runOnIo(this::connect);
    long period = Math.max(50, settings.requestTimeout.toMillis());
    scheduler.scheduleAtFixedRate(this::watchdog, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Every exchange has its own timeout, but a transport we do not control (j2mod's serial layer) has been seen to
   * block forever. If one exchange outlives twice its timeout, close the transport from here: the blocked read
   * fails, and the I/O thread treats it as a lost connection.
   */
  private void watchdog() {
    long started = exchangeStartedNanos;
    Transport t = watched;
    if (started == 0 || t == null) return;
    long limit = 2 * settings.requestTimeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
    if (System.nanoTime() - started > limit) {
      log.warn("{}: an exchange on {} has not returned for {} ms; closing the connection", uri, t.describe(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      t.close();
    }
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public URI uri() {
    return uri;
  }

  /** Returns how many requests this device has sent, for tests and benchmarks. */
  public long requestCount() {
    return counters.requests();
  }

  @Override
  public DeviceMetrics metrics() {
    return counters;
  }

  private long missedPolls() {
    // Under the list's lock, so a subscription being retired is counted once, never twice or not at all.
    synchronized (retiredMissedPolls) {
      long n = retiredMissedPolls.get();
      for (PollingSubscription s : subscriptions) n += s.overruns();
      return n;
    }
  }

  private int pipelineDepth() {
    return settings.framing == ModbusSettings.Framing.TCP && !pipelineOff ? settings.pipeline : 1;
  }

  /** Returns the plan {@link #read} uses for {@code tags}: how many requests one cycle takes, and which. */
  public ReadPlan plan(List<Tag> tags) {
    // Polling loops pass the same tags every cycle: comparing references finds their plan without hashing 1000 tags
    // (and still notices a list the caller changed since).
    ReadPlan p = recentPlan;
    if (p != null && p.holesVersion == holes.version() && sameTags(p.tags, tags)) return p;
    p = plans.get(tags);
    if (p == null || p.holesVersion != holes.version()) {
      List<Tag> copy = List.copyOf(tags);
      p = newPlan(copy);
      if (plans.size() > 64) plans.clear();
      plans.put(copy, p);
    }
    recentPlan = p;
    return p;
  }

  private static boolean sameTags(Tag[] planned, List<Tag> tags) {
    if (planned.length != tags.size()) return false;
    for (int i = 0; i < planned.length; i++) {
      if (planned[i] != tags.get(i)) return false;
    }
    return true;
  }

  ReadPlan newPlan(List<Tag> tags) {
    int n = tags.size();
    ModbusAddress[] addresses = new ModbusAddress[n];
    WordOrder[] orders = new WordOrder[n];
    int[] units = new int[n];
    for (int i = 0; i < n; i++) {
      addresses[i] = ModbusAddress.of(tags.get(i));
      orders[i] = addresses[i].wordOrder(settings.wordOrder);
      units[i] = addresses[i].unit(settings.unit);
    }
    return new RequestPlanner(registerLimit, bitLimit, settings.maxGap).plan(tags, addresses, orders, units, holes);
  }

  @Override
  public CompletableFuture<SampleBatch> read(List<Tag> tags) {
    if (closed) return CompletableFuture.failedFuture(new DeviceException(uri + " is closed"));
    ReadPlan plan;
    try {
      plan = plan(tags);
    } catch (AddressException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<SampleBatch> f = new CompletableFuture<>();
    // A read the close() takes from the queue is a failed read, hence BAD rows, like the read in progress whose
    // connection close() shuts.
    Runnable send = () -> submit(new Op(f, () -> f.complete(execute(plan)),
        () -> f.complete(badBatch(plan, Quality.bad(Quality.Reason.DISCONNECTED, uri + " was closed")))));
    if (state == ConnectionState.CONNECTING) {
      // Opened a moment ago: wait for the first connection rather than answer DISCONNECTED before it had a chance.
      afterFirstConnect(f, send, why -> f.complete(badBatch(plan, Quality.bad(Quality.Reason.DISCONNECTED, why))));
      return f;
    }
    if (state != ConnectionState.CONNECTED) return CompletableFuture.completedFuture(badBatch(plan, disconnected));
    send.run();
    return f;
  }

  /**
   * Runs {@code then} once the first connection is made, or {@code otherwise} with the reason if it is not made within
   * the connect timeout or the device closes meanwhile. Either runs on the callback thread or a timer
   * thread, which only hand work to the I/O thread.
   */
  private void afterFirstConnect(CompletableFuture<?> f, Runnable then, java.util.function.Consumer<String> otherwise) {
    tracker.whenConnected(settings.connectTimeout).whenComplete((ok, error) -> {
      if (closed) {
        otherwise.accept(uri + " was closed"); // a read answers BAD(DISCONNECTED) rows, a write fails
      } else if (error == null) {
        then.run();
      } else {
        otherwise.accept("no connection to " + uri + " within the connect timeout (" + settings.connectTimeout.toMillis()
            + " ms): " + error.getMessage());
      }
    });
  }

  SampleBatch badBatch(ReadPlan plan, Quality quality) {
    long now = options.nowNanos();
    SampleBatch.Builder b = SampleBatch.newBuilder(plan.tags.length).receiveTimeNanos(now);
    for (Tag t : plan.tags) b.addBad(t, quality, now);
    return b.build();
  }

  boolean isConnected() {
    return state == ConnectionState.CONNECTED;
  }

  /** Runs one read cycle of {@code plan}; I/O thread only. */
  SampleBatch execute(ReadPlan plan) {
    long started = System.nanoTime();
    if (plan.holesVersion != holes.version()) plan = newPlan(plan.tagList);
    silentThisCycle.clear();
    if (settings.pipeline > 1 && !pipelineOff && transport != null && transport.canPipeline()) {
      readPipelined(plan);
    } else {
      for (ReadPlan.Span span : plan.spans) readSpan(plan, span);
    }
    long now = options.nowNanos();
    SampleBatch.Builder b = SampleBatch.newBuilder(plan.tags.length).receiveTimeNanos(now);
    for (int i = 0; i < plan.tags.length; i++) {
      Quality q = plan.scratch[i];
      if (q != null) {
        b.addBad(plan.tags[i], q, now);
        continue;
      }
      ReadPlan.Span span = plan.spanOf[i];
      ModbusAddress a = plan.addresses[i];
      if (span.table.isBits()) {
        ModbusCodec.decodeBits(a, plan.tags[i], span.buffer, a.offset() - span.start, b, now);
      } else {
        ModbusCodec.decodeRegisters(a, plan.orders[i], plan.tags[i], span.buffer, (a.offset() - span.start) * 2, b, now);
      }
    }
    counters.poll(plan, started);
    return b.build();
  }

  private void readSpan(ReadPlan plan, ReadPlan.Span span) {
    if (transport == null) {
      mark(plan, span.items, disconnected);
      return;
    }
    if (silentThisCycle.get(span.unit)) {
      mark(plan, span.items, silentUnit(span.unit));
      return;
    }
    // The planner never bridges a hole, so only a span of one value can be (or overlap) one.
    boolean hole = span.items.length == 1 && holes.any(span.unit, span.table, span.start, span.start + span.count);
    if (hole) {
      long wait = holes.untilRetry(span.unit, span.table, span.start, span.start + span.count);
      if (wait > 0) {
        mark(plan, span.items, Quality.bad(Quality.Reason.DEVICE_ERROR, ModbusExceptionCode.ILLEGAL_DATA_ADDRESS.code(),
            describe(span.unit) + " refused " + describe(span.table, span.start, span.count)
                + " with ILLEGAL_DATA_ADDRESS; asked again in " + TimeUnit.NANOSECONDS.toMillis(wait) + " ms"));
        return;
      }
    }
    try {
      fetch(span.unit, span.table, span.start, span.count, span.chunk, span.buffer, 0);
      mark(plan, span.items, null);
      if (hole) {
        log.info("{}: {} answers again; no longer a hole", uri, span);
        holes.answered(span.unit, span.table, span.start, span.start + span.count);
      }
    } catch (ModbusDeviceException e) {
      handleRefusal(plan, span, e);
    } catch (IOException | ProtocolException e) {
      mark(plan, span.items, transportError(e));
      failed(span.unit, e);
    }
  }

  private Quality silentUnit(int unit) {
    return Quality.bad(Quality.Reason.TIMEOUT, describe(unit) + " did not answer earlier in this cycle");
  }

  /**
   * A request to {@code unit} failed without a reply. A timeout while other units still answer, or on a transport
   * that {@link Transport#survivesTimeout() survives timeouts} (a serial port), is that unit's silence: the
   * connection stays, and the unit's later requests in this cycle are not sent (a silent slave costs one request
   * timeout per cycle, not one per request). Anything else drops the connection.
   *
   * <p>Keeping a serial port open also keeps the timeout on time: closing one can take hundreds of milliseconds, and
   * the rows of the cycle would wait for it.
   */
  private void failed(int unit, Exception e) {
    if (e instanceof SocketTimeoutException) {
      boolean othersAnswer = answeredSinceTimeout.cardinality() > (answeredSinceTimeout.get(unit) ? 1 : 0);
      answeredSinceTimeout.clear();
      if (othersAnswer || (transport != null && transport.survivesTimeout())) {
        silentThisCycle.set(unit);
        log.debug("{}: unit {} did not answer; keeping the connection", uri, unit);
        return;
      }
    }
    lost(e);
  }

  /**
   * A span was answered with an exception. ILLEGAL_DATA_ADDRESS for a merged span: read its tags one by one and
   * remember the hole. ILLEGAL_DATA_VALUE for a request of several elements (a merged span, or a chunk of an array):
   * the device takes fewer registers (or bits) per request than planned, so halve the limit for later plans (never
   * below one element) and read this span's tags again one by one. A request of one element refused says nothing
   * about the limit. Anything else: its tags are BAD with the code.
   */
  private void handleRefusal(ReadPlan plan, ReadPlan.Span span, ModbusDeviceException e) {
    boolean merged = span.items.length > 1 || span.count != plan.addresses[span.items[0]].width();
    // A request of one element that is refused says nothing about the device's limit; one of several elements may.
    int widest = 1;
    for (int i : span.items) widest = Math.max(widest, RequestPlanner.elementWidth(plan.addresses[i]));
    if (e.code() == ModbusExceptionCode.ILLEGAL_DATA_VALUE.code() && span.chunk > widest) {
      lowerLimit(span, widest);
      if ((span.table.isBits() ? bitLimit : registerLimit) < span.chunk) {
        splitAndRetry(plan, span, false);
        return;
      }
    }
    if (e.code() == ModbusExceptionCode.ILLEGAL_DATA_ADDRESS.code() && merged) {
      log.debug("{}: {} refused as a whole ({}); reading its tags one by one", uri, span, e.getMessage());
      splitAndRetry(plan, span, true);
    } else {
      if (e.code() == ModbusExceptionCode.ILLEGAL_DATA_ADDRESS.code()) holes.refused(span.unit, span.table, span.start, span.start + span.count);
      mark(plan, span.items, deviceError(e));
    }
  }

  /**
   * Sends up to {@code pipeline} single-request spans before reading their replies, so that one cycle costs a few
   * round trips instead of one per request. Replies must come in order; exception replies are handled after the
   * window's replies are all read (a split retry needs the connection to itself).
   */
  private void readPipelined(ReadPlan plan) {
    ReadPlan.Span[] spans = plan.spans;
    int depth = settings.pipeline;
    int[] tokens = new int[depth];
    ReadPlan.Span[] window = new ReadPlan.Span[depth];
    ModbusDeviceException[] refused = new ModbusDeviceException[depth];
    int next = 0;
    while (next < spans.length) {
      int n = 0;
      while (next < spans.length && n < depth) {
        ReadPlan.Span span = spans[next++];
        // A learned hole (a span of one value, planned alone) goes through readSpan, which backs it off.
        boolean hole = span.items.length == 1 && holes.any(span.unit, span.table, span.start, span.start + span.count);
        if (span.requestCount() == 1 && !hole) {
          window[n++] = span;
        } else {
          readSpan(plan, span);
        }
      }
      if (n == 0) continue;
      if (transport == null) {
        for (int k = 0; k < n; k++) mark(plan, window[k].items, disconnected);
        continue;
      }
      int received = 0;
      long sentNanos = System.nanoTime();
      long firstNanos = 0;
      boolean clean = true;
      exchangeStartedNanos = sentNanos;
      try {
        for (int k = 0; k < n; k++) {
          ReadPlan.Span s = window[k];
          counters.requests.incrementAndGet();
          tokens[k] = transport.send(s.unit, request, readRequest(s.table, s.start, s.count));
        }
        for (; received < n; received++) {
          ReadPlan.Span s = window[received];
          refused[received] = null;
          exchangeStartedNanos = System.nanoTime();
          int len = transport.receive(tokens[received], s.unit, response);
          answeredSinceTimeout.set(s.unit);
          try {
            checkReply(len, s.table.readFunctionCode(), s.unit, describe(s.table, s.start, s.count));
            copyReadReply(len, s.unit, s.table, s.start, s.count, s.buffer, 0);
            mark(plan, s.items, null);
          } catch (ModbusDeviceException e) {
            refused[received] = e;
            clean = false;
          }
          if (received == 0) firstNanos = System.nanoTime();
        }
        if (clean && stalls.window(n, sentNanos, firstNanos, System.nanoTime()) && !pipelineOff) {
          pipelineOff = true;
          log.warn("{}: pipelined replies stall: the device sends each reply only once we acknowledged the previous one "
              + "(Nagle's algorithm on its side, delayed ACK on ours), so pipeline={} is slower than requests one by one; "
              + "sending requests one by one from now on", uri, depth);
        }
      } catch (IOException | ProtocolException e) {
        if (e instanceof SocketTimeoutException) counters.timeouts.incrementAndGet();
        Quality q = transportError(e);
        for (int k = received; k < n; k++) mark(plan, window[k].items, q);
        lost(e);
      } finally {
        exchangeStartedNanos = 0;
      }
      for (int k = 0; k < received; k++) {
        if (refused[k] != null) handleRefusal(plan, window[k], refused[k]);
      }
    }
  }

  /** Halves the limit below the refused request's size, never below {@code floor} (the span's widest element). */
  private void lowerLimit(ReadPlan.Span span, int floor) {
    int lowered = Math.max(floor, span.chunk / 2);
    if (span.table.isBits()) {
      if (lowered >= bitLimit) return;
      bitLimit = lowered;
    } else {
      if (lowered >= registerLimit) return;
      registerLimit = lowered;
    }
    log.info("{} refused {} with ILLEGAL_DATA_VALUE; planning at most {} {} per request from now on", uri, span, lowered,
        span.table.isBits() ? "bits" : "registers");
    holes.invalidate();
  }

  /** Reads a span's tags one by one; with {@code learnGaps}, a refusal that no tag explains makes its gaps holes. */
  private void splitAndRetry(ReadPlan plan, ReadPlan.Span span, boolean learnGaps) {
    int limit = span.table.isBits() ? bitLimit : registerLimit;
    boolean anyRefused = false;
    for (int i : span.items) {
      ModbusAddress a = plan.addresses[i];
      if (transport == null) {
        plan.scratch[i] = disconnected;
        continue;
      }
      if (silentThisCycle.get(span.unit)) {
        plan.scratch[i] = silentUnit(span.unit);
        continue;
      }
      try {
        int chunk = RequestPlanner.chunk(a.width(), limit, RequestPlanner.elementWidth(a));
        fetch(span.unit, span.table, a.offset(), a.width(), chunk, span.buffer, a.offset() - span.start);
        plan.scratch[i] = null;
      } catch (ModbusDeviceException e) {
        plan.scratch[i] = deviceError(e);
        if (e.code() == ModbusExceptionCode.ILLEGAL_DATA_ADDRESS.code()) {
          anyRefused = true;
          holes.refused(span.unit, span.table, a.offset(), a.end());
        }
      } catch (IOException | ProtocolException e) {
        plan.scratch[i] = transportError(e);
        failed(span.unit, e);
      }
    }
    if (learnGaps && !anyRefused) {
      // Every tag alone was fine, so the device refused an address in a gap the span bridged.
      int end = span.start;
      List<int[]> ranges = new ArrayList<>();
      for (int i : span.items) ranges.add(new int[] {plan.addresses[i].offset(), plan.addresses[i].end()});
      ranges.sort((x, y) -> Integer.compare(x[0], y[0]));
      for (int[] r : ranges) {
        if (r[0] > end) holes.add(span.unit, span.table, end, r[0]);
        end = Math.max(end, r[1]);
      }
    }
  }

  private static void mark(ReadPlan plan, int[] items, Quality q) {
    for (int i : items) plan.scratch[i] = q;
  }

  private Quality deviceError(ModbusDeviceException e) {
    return Quality.bad(Quality.Reason.DEVICE_ERROR, e.code(), e.getMessage());
  }

  private Quality transportError(Exception e) {
    if (e instanceof SocketTimeoutException) return Quality.bad(Quality.Reason.TIMEOUT, e.getMessage());
    if (e instanceof ProtocolException) return Quality.bad(Quality.Reason.PROTOCOL_ERROR, e.getMessage());
    return Quality.bad(Quality.Reason.DISCONNECTED, String.valueOf(e.getMessage()));
  }

  /**
   * Reads {@code count} registers or bits from {@code start} into {@code dest} at register or bit index
   * {@code destIndex}, in requests of {@code chunk} (the last may be shorter); see {@link RequestPlanner#chunk}.
   */
  private void fetch(int unit, ModbusTable table, int start, int count, int chunk, byte[] dest, int destIndex)
      throws IOException {
    for (int done = 0; done < count; done += chunk) {
      int n = Math.min(chunk, count - done);
      int len = transact(unit, readRequest(table, start + done, n), describe(table, start + done, n));
      copyReadReply(len, unit, table, start + done, n, dest, destIndex + done);
    }
  }

  /** Puts a read request into {@code request}; returns its length. */
  private int readRequest(ModbusTable table, int address, int n) {
    request[0] = (byte) table.readFunctionCode();
    request[1] = (byte) (address >> 8);
    request[2] = (byte) address;
    request[3] = (byte) (n >> 8);
    request[4] = (byte) n;
    return 5;
  }

  private static String describe(ModbusTable table, int address, int n) {
    return table.notation() + ":" + address + " ×" + n;
  }

  /** Checks a read reply's byte count against what was asked and copies its registers or bits into {@code dest}. */
  private void copyReadReply(int len, int unit, ModbusTable table, int address, int n, byte[] dest, int destIndex) {
    int expected = table.isBits() ? (n + 7) / 8 : n * 2;
    int byteCount = len >= 2 ? response[1] & 0xff : -1;
    if (byteCount != expected || len != 2 + byteCount) {
      throw new ProtocolException(describe(unit) + ": reply to " + describe(table, address, n) + " has byte count "
          + byteCount + " and " + Math.max(0, len - 2) + " data bytes, expected " + expected);
    }
    if (table.isBits()) {
      for (int i = 0; i < n; i++) ModbusCodec.setBit(dest, destIndex + i, ModbusCodec.bit(response, 16 + i));
    } else {
      System.arraycopy(response, 2, dest, destIndex * 2, n * 2);
    }
  }

  /** Sends {@code request[0, length)} and returns the reply's length, throwing for exception replies and wrong codes. */
  private int transact(int unit, int length, String what) throws IOException {
    counters.requests.incrementAndGet();
    int fc = request[0] & 0xff;
    exchangeStartedNanos = System.nanoTime();
    try {
      int len = transport.exchange(unit, request, length, response);
      answeredSinceTimeout.set(unit);
      return checkReply(len, fc, unit, what);
    } catch (SocketTimeoutException e) {
      counters.timeouts.incrementAndGet();
      throw e;
    } finally {
      exchangeStartedNanos = 0;
    }
  }

  /** Throws for an exception reply or a reply to another function code; returns {@code len}. */
  private int checkReply(int len, int fc, int unit, String what) {
    int replyFc = len > 0 ? response[0] & 0xff : -1;
    if (replyFc == (fc | 0x80)) {
      if (len < 2) throw new ProtocolException(describe(unit) + ": exception reply to " + what + " has no exception code");
      counters.exceptionReplies.incrementAndGet();
      throw new ModbusDeviceException(describe(unit) + " refused " + what, response[1] & 0xff);
    }
    if (replyFc != fc) {
      throw new ProtocolException(describe(unit) + ": reply to " + what + " has function code " + replyFc + ", expected " + fc);
    }
    return len;
  }

  private String describe(int unit) {
    return uri.getScheme() + "://" + (transport != null ? transport.describe() : "?") + " unit " + unit;
  }

  @Override
  public CompletableFuture<Void> write(Tag tag, Object value) {
    if (closed) return CompletableFuture.failedFuture(new DeviceException(uri + " is closed"));
    ModbusAddress a;
    byte[] image;
    try {
      a = ModbusAddress.of(tag);
      if (!a.table().isWritable()) {
        throw new AddressException("tag '" + tag.name() + "': " + a.table().notation() + " is read-only; only coil and holding can be written");
      }
      if (a.table().isBits()) {
        image = new byte[(a.width() + 7) / 8];
        ModbusCodec.encodeBits(a, tag, value, image, 0);
      } else {
        image = new byte[a.width() * 2];
        ModbusCodec.encodeRegisters(a, a.wordOrder(settings.wordOrder), tag, value, image, 0);
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    Runnable send = () -> submit(f, () -> {
      doWrite(tag, a, value, image);
      f.complete(null);
    });
    if (state == ConnectionState.CONNECTING) {
      afterFirstConnect(f, send, why -> f.completeExceptionally(new DeviceException("tag '" + tag.name() + "' not written: " + why)));
      return f;
    }
    if (state != ConnectionState.CONNECTED) {
      return CompletableFuture.failedFuture(new DeviceException("tag '" + tag.name() + "' not written: no connection to " + uri));
    }
    send.run();
    return f;
  }

  private void doWrite(Tag tag, ModbusAddress a, Object value, byte[] image) {
    int unit = a.unit(settings.unit);
    String what = "write of tag '" + tag.name() + "' to " + a;
    if (transport == null) throw new DeviceException(what + " failed: no connection to " + uri);
    try {
      if (a.table().isBits()) {
        writeBits(unit, a, image, what);
      } else {
        writeRegisters(unit, a, image, what);
      }
      if (settings.verifyWrites) verify(unit, tag, a, image, what);
    } catch (ModbusDeviceException e) {
      throw new ModbusDeviceException(describe(unit) + " refused " + what, e.code());
    } catch (SocketTimeoutException e) {
      failed(unit, e);
      throw new DeviceTimeoutException(what + ": " + e.getMessage(), e);
    } catch (ProtocolException e) {
      lost(e);
      throw new ProtocolException(what + ": " + e.getMessage(), e);
    } catch (IOException e) {
      lost(e);
      throw new DeviceException(what + " failed: " + e.getMessage(), e);
    }
  }

  private void writeBits(int unit, ModbusAddress a, byte[] image, String what) throws IOException {
    int addr = a.offset();
    if (!a.dataType().isArray()) {
      request[0] = 5;
      request[1] = (byte) (addr >> 8);
      request[2] = (byte) addr;
      request[3] = (byte) (ModbusCodec.bit(image, 0) ? 0xFF : 0x00);
      request[4] = 0;
      checkEcho(transact(unit, 5, what), 5, unit, what);
      return;
    }
    int count = a.width();
    for (int done = 0; done < count; done += 1968) {
      int n = Math.min(1968, count - done);
      int at = addr + done;
      int bytes = (n + 7) / 8;
      request[0] = 15;
      request[1] = (byte) (at >> 8);
      request[2] = (byte) at;
      request[3] = (byte) (n >> 8);
      request[4] = (byte) n;
      request[5] = (byte) bytes;
      Arrays.fill(request, 6, 6 + bytes, (byte) 0);
      for (int i = 0; i < n; i++) {
        if (ModbusCodec.bit(image, done + i)) request[6 + i / 8] |= (byte) (1 << (i & 7));
      }
      checkEcho(transact(unit, 6 + bytes, what), 5, unit, what);
    }
  }

  /**
   * Writes registers: one with FC06 and more with FC16, or all with FC16 under {@code writeFunction=fc16} or once the
   * device answered FC06 with ILLEGAL_FUNCTION. A bit of a register with FC22, which changes it atomically on the
   * device; under {@code writeFunction=fc16}, or once the device answered FC22 with ILLEGAL_FUNCTION, by reading the
   * register and writing it back, which is not atomic: a change the PLC makes to another bit of that register in
   * between is lost.
   */
  private void writeRegisters(int unit, ModbusAddress a, byte[] image, String what) throws IOException {
    int addr = a.offset();
    if (a.bit() >= 0) {
      int bit = ((((image[0] & 0xff) << 8) | (image[1] & 0xff)) >> a.bit()) & 1;
      if (!settings.fc16Writes && !noMaskWrite) {
        try {
          maskWrite(unit, addr, a.bit(), bit, what);
          return;
        } catch (ModbusDeviceException e) {
          if (e.code() != ModbusExceptionCode.ILLEGAL_FUNCTION.code()) throw e;
          noMaskWrite = true;
          log.info("{} does not support FC22 (mask write register); writing bits of registers by read-modify-write from now on", uri);
        }
      }
      byte[] word = new byte[2];
      fetch(unit, ModbusTable.HOLDING_REGISTER, addr, 1, 1, word, 0);
      int v = ((word[0] & 0xff) << 8) | (word[1] & 0xff);
      v = bit != 0 ? v | (1 << a.bit()) : v & ~(1 << a.bit());
      word[0] = (byte) (v >> 8);
      word[1] = (byte) v;
      writeWords(unit, addr, word, 1, 1, what);
      return;
    }
    writeWords(unit, addr, image, a.width(), RequestPlanner.elementWidth(a), what);
  }

  private void maskWrite(int unit, int addr, int bit, int value, String what) throws IOException {
    int and = ~(1 << bit) & 0xffff;
    int or = value << bit;
    request[0] = 22;
    request[1] = (byte) (addr >> 8);
    request[2] = (byte) addr;
    request[3] = (byte) (and >> 8);
    request[4] = (byte) and;
    request[5] = (byte) (or >> 8);
    request[6] = (byte) or;
    checkEcho(transact(unit, 7, what), 7, unit, what);
  }

  /** Writes {@code count} registers; a value written in several requests is split only between its elements. */
  private void writeWords(int unit, int addr, byte[] image, int count, int step, String what) throws IOException {
    if (count == 1 && !settings.fc16Writes && !noSingleWrite) {
      request[0] = 6;
      request[1] = (byte) (addr >> 8);
      request[2] = (byte) addr;
      request[3] = image[0];
      request[4] = image[1];
      try {
        checkEcho(transact(unit, 5, what), 5, unit, what);
        return;
      } catch (ModbusDeviceException e) {
        if (e.code() != ModbusExceptionCode.ILLEGAL_FUNCTION.code()) throw e;
        noSingleWrite = true;
        log.info("{} does not support FC06 (write single register); writing single registers with FC16 from now on", uri);
      }
    }
    int chunk = RequestPlanner.chunk(count, 123, step);
    for (int done = 0; done < count; done += chunk) {
      int n = Math.min(chunk, count - done);
      int at = addr + done;
      request[0] = 16;
      request[1] = (byte) (at >> 8);
      request[2] = (byte) at;
      request[3] = (byte) (n >> 8);
      request[4] = (byte) n;
      request[5] = (byte) (n * 2);
      System.arraycopy(image, done * 2, request, 6, n * 2);
      checkEcho(transact(unit, 6 + n * 2, what), 5, unit, what);
    }
  }

  private void checkEcho(int len, int expected, int unit, String what) {
    if (len != expected) {
      throw new ProtocolException(describe(unit) + ": reply to " + what + " has " + len + " bytes, expected " + expected);
    }
    int echoed = ((response[1] & 0xff) << 8) | (response[2] & 0xff);
    int sent = ((request[1] & 0xff) << 8) | (request[2] & 0xff);
    if (echoed != sent) {
      throw new ProtocolException(describe(unit) + ": reply to " + what + " echoes address " + echoed + ", expected " + sent);
    }
  }

  private void verify(int unit, Tag tag, ModbusAddress a, byte[] image, String what) throws IOException {
    int width = a.width();
    byte[] back = new byte[a.table().isBits() ? (width + 7) / 8 + 1 : width * 2];
    int limit = a.table().isBits() ? bitLimit : registerLimit;
    fetch(unit, a.table(), a.offset(), width, RequestPlanner.chunk(width, limit, RequestPlanner.elementWidth(a)), back, 0);
    boolean same = true;
    if (a.table().isBits()) {
      for (int i = 0; i < width; i++) same &= ModbusCodec.bit(back, i) == ModbusCodec.bit(image, i);
    } else if (a.bit() >= 0) {
      int wrote = (((image[0] & 0xff) << 8) | (image[1] & 0xff)) >> a.bit() & 1;
      int read = (((back[0] & 0xff) << 8) | (back[1] & 0xff)) >> a.bit() & 1;
      same = wrote == read;
    } else {
      same = Arrays.equals(back, image);
    }
    if (!same) {
      throw new DeviceException(what + " did not stick: read back " + hex(back) + ", wrote " + hex(image));
    }
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < b.length; i++) s.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xff));
    return s.append(']').toString();
  }

  @Override
  public Subscription subscribe(List<Tag> tags, SubscriptionOptions options, SampleListener listener) {
    if (closed) throw new DeviceException(uri + " is closed");
    ReadPlan plan = newPlan(List.copyOf(tags));
    PollingSubscription s = new PollingSubscription(this, plan, options, listener);
    subscriptions.add(s);
    s.start(scheduler);
    return s;
  }

  void removeSubscription(PollingSubscription s) {
    synchronized (retiredMissedPolls) {
      if (subscriptions.remove(s)) retiredMissedPolls.addAndGet(s.overruns());
    }
  }

  /** Runs a poll of {@code s} on the I/O thread; returns false if the device is closing. */
  boolean submitPoll(Runnable poll) {
    try {
      io.execute(poll);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  long holesVersion() {
    return holes.version();
  }

  DeviceOptions options() {
    return options;
  }

  Quality disconnectedQuality() {
    return disconnected;
  }

  private void submit(CompletableFuture<?> f, Runnable body) {
    submit(new Op(f, body, null));
  }

  private void submit(Op op) {
    if (Thread.currentThread() == ioThread) {
      // A read or write future completes on this thread, so its dependents run here; one that calls the device
      // and waits would wait for itself if queued behind it. The previous request is over, so run this one now.
      op.run();
      return;
    }
    try {
      io.execute(op);
    } catch (RejectedExecutionException e) {
      op.future.completeExceptionally(new DeviceException(uri + " is closed"));
    }
  }

  private void runOnIo(Runnable r) {
    try {
      io.execute(r);
    } catch (RejectedExecutionException ignored) {
      // closing: nothing more to do
    }
  }

  private void connect() {
    if (closed || transport != null) return;
    Transport t = null;
    try {
      t = transports.get();
      connecting = t;
      t.connect();
      if (closed) {
        // close() ran while we connected and may have missed t
        t.close();
        return;
      }
      transport = t;
      watched = t;
      connecting = null;
      attempts = 0;
      answeredSinceTimeout.clear();
      if (everConnected) counters.reconnects.incrementAndGet();
      everConnected = true;
      lastAttemptFailure = null;
      transition(ConnectionState.CONNECTED, null);
    } catch (IOException | RuntimeException e) {
      failedAttempt(t, e);
    } catch (Throwable e) {
      // An Error here is usually the environment (jSerialComm's native library missing: UnsatisfiedLinkError, then
      // NoClassDefFoundError). Report and retry it like any failed attempt: ending this task without a retry would
      // leave the device CONNECTING forever with no reason given.
      failedAttempt(t, e);
      if (e instanceof VirtualMachineError) throw (VirtualMachineError) e;
    }
  }

  /**
   * A connection attempt failed: the device is DISCONNECTED with {@code e} as the reason (also the first attempt:
   * staying CONNECTING would pass a port that cannot be opened off as a connection still being made), and retries.
   */
  private void failedAttempt(Transport t, Throwable e) {
    connecting = null;
    if (t != null) {
      try {
        t.close();
      } catch (RuntimeException closeFailed) {
        e.addSuppressed(closeFailed);
      }
    }
    attempts++;
    // A refused or unreachable PLC may come back by itself: never a permanent refusal.
    tracker.attemptFailed(e, false);
    // Once at WARN when attempts start failing or fail for another reason; retries that fail alike would flood the
    // log at the backoff's pace, so they are DEBUG. An Error (the environment, not the device) keeps its stack trace.
    String why = e.toString();
    if (!why.equals(lastAttemptFailure)) {
      if (e instanceof Error) {
        log.warn("{}: cannot connect: {}; retrying", uri, why, e);
      } else {
        log.warn("{}: cannot connect: {}; retrying", uri, why);
      }
      lastAttemptFailure = why;
    } else {
      log.debug("{}: connection attempt {} failed: {}", uri, attempts, why);
    }
    transition(ConnectionState.DISCONNECTED, e);
    scheduleReconnect();
  }

  /** Drops the connection after a failure; I/O thread only. */
  private void lost(Throwable cause) {
    if (transport == null) return;
    transport.close();
    transport = null;
    watched = null;
    attempts = 1;
    transition(ConnectionState.DISCONNECTED, cause);
    scheduleReconnect();
  }

  /**
   * Changes the state at once, and tells the listeners and completes whenConnected on the callback thread, in the
   * order the changes happened.
   */
  private void transition(ConnectionState next, Throwable cause) {
    CompletableFuture<Void> toComplete = null;
    synchronized (stateLock) {
      if (closed || state == next || state == ConnectionState.CLOSED) return; // close() moves to CLOSED itself
      ConnectionState previous = state;
      state = next;
      if (next == ConnectionState.CONNECTED) {
        toComplete = connected;
      } else if (previous == ConnectionState.CONNECTED) {
        // The old future is promised to complete (maybe not yet: the callback thread may be behind), so callers
        // from now on wait for the next connection.
        connected = new CompletableFuture<>();
      }
    }
    CompletableFuture<Void> c = toComplete;
    runCallback(() -> {
      tracker.transition(next, cause);
      if (c != null) c.complete(null);
    });
  }

  Thread callbackThread() {
    return callbackThread;
  }

  /** Runs {@code r} on the callback thread; returns false if the device is closing. */
  boolean runCallback(Runnable r) {
    try {
      callbacks.execute(r);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private void scheduleReconnect() {
    if (closed) return;
    long delay = options.reconnectPolicy().delay(attempts, ThreadLocalRandom.current().nextDouble()).toNanos();
    try {
      scheduler.schedule(() -> runOnIo(this::connect), delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException ignored) {
      // closing
    }
  }

  @Override
  public ConnectionState state() {
    return state;
  }

  @Override
  public CompletableFuture<Void> whenConnected() {
    synchronized (stateLock) {
      // A copy, so a caller cannot complete ours; its dependents still run where ours completes: the callback thread.
      return connected.copy();
    }
  }

  /** Waits for CONNECTED as the state listeners see it, on the callback thread, like {@link #whenConnected()}. */
  @Override
  public CompletableFuture<Void> whenConnected(java.time.Duration timeout) {
    if (closed) return CompletableFuture.failedFuture(new DeviceException(uri + " is closed"));
    return tracker.whenConnected(timeout);
  }

  @Override
  public java.util.Optional<Throwable> lastError() {
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

  @Override
  public void close() {
    CompletableFuture<Void> notConnected;
    synchronized (stateLock) {
      if (closed) return;
      closed = true;
      state = ConnectionState.CLOSED;
      notConnected = connected;
    }
    for (PollingSubscription s : subscriptions) s.close();
    // Cancels poll ticks, reconnect timers and the watchdog; no interrupt, as close() may run on any thread.
    scheduler.shutdown();
    // Take the queued requests first, so none starts on the connection closed below; they fail as closed.
    for (Runnable r : io.shutdownNow()) {
      if (r instanceof Op) ((Op) r).closed(uri);
    }
    // Close the connection from here rather than queue that behind a request the PLC may never answer: the request
    // in progress fails at once and the socket or serial port is free when close() returns. A connection still
    // being made is closed too (connecting is read first: connect() clears it only after publishing watched).
    Transport c = connecting;
    if (c != null) c.close();
    Transport t = watched;
    if (t != null) t.close();
    if (Thread.currentThread() != ioThread) {
      try {
        if (!io.awaitTermination(settings.requestTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
          log.warn("{}: the I/O thread did not stop after the connection was closed", uri);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closeCallbacks(notConnected);
  }

  /**
   * Tells the listeners CLOSED after the callbacks already handed over, then lets the callback thread end. Closed
   * from a callback, it cannot wait for itself; if a callback is stuck, CLOSED is reported from here.
   */
  private void closeCallbacks(CompletableFuture<Void> notConnected) {
    Runnable tell = () -> {
      tracker.transition(ConnectionState.CLOSED, null);
      notConnected.completeExceptionally(new DeviceException(uri + " was closed"));
    };
    boolean onCallbackThread = Thread.currentThread() == callbackThread;
    if (onCallbackThread || !runCallback(tell)) tell.run();
    callbacks.shutdown();
    if (onCallbackThread) return;
    try {
      if (callbacks.awaitTermination(settings.requestTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tell.run(); // a callback is stuck: report CLOSED out of turn rather than never
  }

  @Override
  public String toString() {
    return "ModbusDevice{" + uri + ", " + state + "}";
  }

  /**
   * A caller's operation on the I/O thread, whose future completes rather than hangs if the device closes first:
   * with {@code ifClosed} (a read: BAD rows), or else with a {@link DeviceException}.
   */
  private static final class Op implements Runnable {
    final CompletableFuture<?> future;
    final Runnable body;
    final Runnable ifClosed;

    Op(CompletableFuture<?> future, Runnable body, Runnable ifClosed) {
      this.future = future;
      this.body = body;
      this.ifClosed = ifClosed;
    }

    void closed(URI uri) {
      if (ifClosed != null) {
        ifClosed.run();
      } else {
        future.completeExceptionally(new DeviceException(uri + " was closed"));
      }
    }

    @Override
    public void run() {
      try {
        body.run();
      } catch (Throwable t) {
        future.completeExceptionally(t);
      }
    }
  }
}
