package io.aifactory.sdk.modbus.internal;

import com.ghgande.j2mod.modbus.util.SerialParameters;
import io.aifactory.sdk.core.AddressException;
import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceException;
import io.aifactory.sdk.core.DeviceMetrics;
import io.aifactory.sdk.core.DeviceOptions;
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
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Modbus device: one connection, used by one I/O thread that runs every request in turn (so requests are
 * serialised and need no locks), plus one scheduler thread for poll ticks, reconnect timers and the watchdog, plus one
 * callback thread. Poll ticks stay on time while the I/O thread waits on the network: a tick that finds the device
 * disconnected delivers BAD (DISCONNECTED) samples at once, and a tick that finds the previous poll still running is
 * counted as an overrun.
 *
 * <p>No user code runs on the I/O or the scheduler thread: sample batches, state changes and the completion of
 * {@link #whenConnected()} are handed to the callback thread, in the order they happened. A listener that blocks on
 * {@link #read} or {@link #write} therefore only delays later callbacks, never the requests it waits for.
 *
 * <p>This class owns the device's threads, its subscriptions, closing, and the {@link Device} API. The connection's
 * life (connecting, reconnecting, the watchdog, exchanges) is {@link ModbusConnection}'s, reading is
 * {@link ModbusReader}'s and writing {@link ModbusWriter}'s. The connection's state has one source of truth, the
 * {@link ConnectionTracker}, which {@link ModbusConnection} moves on the callback thread and {@link #close} moves to
 * CLOSED; the device itself keeps only whether {@link #close} has begun.
 */
public final class ModbusDevice implements Device {
  private static final Logger log = LoggerFactory.getLogger(ModbusDevice.class);

  private final URI uri;
  private final ModbusSettings settings;
  private final DeviceOptions options;
  private final ConnectionTracker tracker;
  private final Quality disconnected;
  private final List<PollingSubscription> subscriptions = new CopyOnWriteArrayList<>();
  private final Counters counters = new Counters(this::missedPolls, this::pipelineDepth);
  /** Missed polls of subscriptions that were closed. */
  private final AtomicLong retiredMissedPolls = new AtomicLong();
  private final ModbusConnection connection;
  private final ModbusReader reader;
  private final ModbusWriter writer;
  /**
   * Set when {@link #close} begins, before the tracker hears CLOSED on the callback thread: from then on requests are
   * refused as closed and the connection reports no more changes. Not a second state: the tracker stays the state.
   */
  private volatile boolean closed;
  private final Object closeLock = new Object();
  private ThreadPoolExecutor io;
  private volatile Thread ioThread;
  private ScheduledThreadPoolExecutor scheduler;
  /** Runs listeners and whenConnected dependents, one at a time, in the order the I/O and scheduler threads hand them over. */
  private ThreadPoolExecutor callbacks;
  private volatile Thread callbackThread;

  ModbusDevice(ModbusSettings settings, DeviceOptions options) {
    this(settings, options, transportFactory(settings));
  }

  ModbusDevice(ModbusSettings settings, DeviceOptions options, Supplier<Transport> transports) {
    this.uri = settings.uri;
    this.settings = settings;
    this.options = options;
    this.tracker = new ConnectionTracker(this, this::tell);
    this.disconnected = Quality.bad(Quality.Reason.DISCONNECTED, "no connection to " + uri);
    this.connection = new ModbusConnection(this, settings, options, transports, tracker, counters);
    this.reader = new ModbusReader(settings, options, connection, counters, disconnected);
    this.writer = new ModbusWriter(settings, connection, reader);
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
    runOnIo(connection::connect);
    long period = Math.max(50, settings.requestTimeout.toMillis());
    scheduler.scheduleAtFixedRate(connection::watchdog, period, period, TimeUnit.MILLISECONDS);
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
    return reader.pipelineDepth();
  }

  /** Returns the plan {@link #read} uses for {@code tags}: how many requests one cycle takes, and which. */
  public ReadPlan plan(List<Tag> tags) {
    return reader.plan(tags);
  }

  ReadPlan newPlan(List<Tag> tags) {
    return reader.newPlan(tags);
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
    ConnectionState state = tracker.state();
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

  /** Returns true if the tracker says CONNECTED and the device is not closing. */
  boolean isConnected() {
    return !closed && tracker.state() == ConnectionState.CONNECTED;
  }

  /** Runs one read cycle of {@code plan}; I/O thread only. */
  SampleBatch execute(ReadPlan plan) {
    return reader.execute(plan);
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
      writer.write(tag, a, value, image);
      f.complete(null);
    });
    ConnectionState state = tracker.state();
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
    return reader.holesVersion();
  }

  DeviceOptions options() {
    return options;
  }

  Quality disconnectedQuality() {
    return disconnected;
  }

  /** Returns true once {@link #close} has begun. */
  boolean isClosing() {
    return closed;
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

  /** Runs {@code r} on the I/O thread after {@code delayNanos}, unless the device closes first. */
  void runOnIoAfter(Runnable r, long delayNanos) {
    try {
      scheduler.schedule(() -> runOnIo(r), delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException ignored) {
      // closing
    }
  }

  Thread callbackThread() {
    return callbackThread;
  }

  /** The tracker's notifier: listeners hear changes on the callback thread (in place before start or once it ended). */
  private void tell(Runnable r) {
    if (callbacks == null || Thread.currentThread() == callbackThread || !runCallback(r)) r.run();
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

  /** Returns the state as the state listeners have heard it (the tracker's). */
  @Override
  public ConnectionState state() {
    // Closed from the moment close() begins, as callers expect, though listeners hear CLOSED a moment later.
    return closed ? ConnectionState.CLOSED : tracker.state();
  }

  @Override
  public CompletableFuture<Void> whenConnected() {
    // A copy, so a caller cannot complete the tracker's; its dependents still run where the tracker's completes: the
    // callback thread.
    return tracker.whenConnected();
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
    synchronized (closeLock) {
      if (closed) return;
      closed = true;
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
    // being made is closed too.
    connection.closeNow();
    if (Thread.currentThread() != ioThread) {
      try {
        if (!io.awaitTermination(settings.requestTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
          log.warn("{}: the I/O thread did not stop after the connection was closed", uri);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closeCallbacks();
  }

  /**
   * Moves the tracker to CLOSED, which the listeners hear on the callback thread after what is already queued there
   * (the tracker fails whenConnected futures as closed then), and lets that thread end. Closed from a callback, it
   * cannot wait for itself; if a callback is stuck, CLOSED is told from here, out of turn rather than never.
   */
  private void closeCallbacks() {
    boolean onCallbackThread = Thread.currentThread() == callbackThread;
    tracker.transition(ConnectionState.CLOSED, null);
    callbacks.shutdown();
    if (onCallbackThread) return;
    try {
      if (callbacks.awaitTermination(settings.requestTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tracker.flush(); // a callback is stuck: report CLOSED out of turn rather than never
  }

  @Override
  public String toString() {
    return "ModbusDevice{" + uri + ", " + tracker.state() + "}";
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
