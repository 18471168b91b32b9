package io.aifactory.sdk.diagnostics;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.app.AifactoryApp;
import io.aifactory.sdk.core.guard.WriteGuard;
import io.aifactory.sdk.core.pipeline.AlarmListener;
import io.aifactory.sdk.core.pipeline.Model;
import io.aifactory.sdk.core.pipeline.ModelInfo;
import io.aifactory.sdk.core.pipeline.Pipeline;
import io.aifactory.sdk.core.pipeline.PipelineAction;
import io.aifactory.sdk.core.pipeline.ThresholdAlarm;
import io.aifactory.sdk.diagnostics.internal.Broadcaster;
import io.aifactory.sdk.diagnostics.internal.Journal;
import io.aifactory.sdk.diagnostics.internal.PageHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live diagnostics page for pipelines, devices, write guards and models: trends of the models' outputs with their
 * thresholds and BAD/UNCERTAIN stretches marked, alarm states, latency and skipped windows; devices' connection
 * history and last error; every write-guard decision and the guard's mode; and each model's name, version, SHA-256
 * and runtime. The page updates itself over Server-Sent Events. It is read-only: nothing on it changes a pipeline, a
 * guard's mode or a device.
 *
 * <pre>{@code
 * try (DiagnosticsServer ui = DiagnosticsServer.newBuilder().port(8090).build()) {   // 127.0.0.1 by default
 *   Pipeline pipeline = Pipeline.newBuilder()
 *       ...
 *       .action(ui.resultAction())                                                      // results, for the trends
 *       .action(ThresholdAlarm.newBuilder()...listener(ui.alarmListener()).build())
 *       .build();
 *   ui.watch(pipeline, alarm).watch("line-plc", plc).watch(guard).watch(model);
 *   pipeline.start();
 *   ui.start();
 *   System.out.println("diagnostics at " + ui.uri());
 * }
 * }</pre>
 *
 * <p>Or mount the page in your own server: {@code vendorServer.createContext("/aifactory/", ui.handler())}, then it
 * lives at {@code /aifactory/}. Each open page holds one of that server's executor threads while it streams, so give
 * the server an executor with a few threads (the JDK's default runs every exchange on its one dispatcher thread).
 *
 * <h2>Threads and a slow browser</h2>
 * The hooks ({@link #resultAction()}, {@link #alarmListener()}, and the listeners {@code watch} adds) only store into
 * bounded rings on the caller's thread. One thread of this server, {@code aifactory-diagnostics}, polls the metrics
 * every {@link Builder#updateInterval}, writes what is new as JSON once and offers it to each page's bounded queue; a
 * page that falls {@link Builder#clientQueue} updates behind is dropped, and its browser reconnects and starts again
 * from a snapshot. A browser can therefore never slow a pipeline, a guard or a device, and memory never grows.
 */
public final class DiagnosticsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DiagnosticsServer.class);

  private final String bindAddress;
  private final int port;
  private final int maxClients;
  private final Journal journal;
  private final Broadcaster broadcaster;
  private final PageHandler handler;
  private final PipelineAction resultAction;
  private final AlarmListener alarmListener;
  private HttpServer server;
  private ExecutorService serverExecutor;
  private boolean closed;

  private DiagnosticsServer(Builder b) {
    this.bindAddress = b.bindAddress;
    this.port = b.port;
    this.maxClients = b.maxClients;
    this.journal = new Journal(b.history, b.decisionHistory);
    this.broadcaster = new Broadcaster(journal, b.updateInterval, b.maxClients, b.clientQueue);
    this.handler = new PageHandler(broadcaster, isLoopback(b.bindAddress));
    Journal j = journal;
    // Method references, not the journal itself: closing a pipeline closes its actions, and that must not close this.
    this.resultAction = j::onResult;
    this.alarmListener = j::onAlarm;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Returns the action that feeds the trends: add it to every pipeline to show (one action serves them all). It
   * stores each result in a bounded ring and returns.
   */
  public PipelineAction resultAction() {
    return resultAction;
  }

  /** Returns the listener that feeds the alarm log and states: add it to each {@link ThresholdAlarm}. */
  public AlarmListener alarmListener() {
    return alarmListener;
  }

  /**
   * Shows the pipeline's counters (polled, never pushed), its machines, and the thresholds of {@code alarms} on its
   * trends. Its results appear only if the pipeline was built with {@link #resultAction()}.
   */
  public DiagnosticsServer watch(Pipeline pipeline, ThresholdAlarm... alarms) {
    journal.watch(Objects.requireNonNull(pipeline, "pipeline"), List.of(alarms));
    return this;
  }

  /** Shows every decision of {@code guard} from now on, its counters and its mode (SHADOW or LIVE). */
  public DiagnosticsServer watch(WriteGuard guard) {
    journal.watch(Objects.requireNonNull(guard, "guard"));
    return this;
  }

  /** Shows the device's connection state, its changes from now on, and the last error it reported. */
  public DiagnosticsServer watch(String name, Device device) {
    journal.watch(Objects.requireNonNull(name, "name"), Objects.requireNonNull(device, "device"));
    return this;
  }

  /** Shows the model's name, version, SHA-256 and runtime (e.g. {@code onnxruntime/CPU}). */
  public DiagnosticsServer watch(Model model) {
    journal.watch(Objects.requireNonNull(model, "model").info());
    return this;
  }

  /**
   * Watches everything an app runs: its pipelines with their alarms' thresholds, guards, devices and models, and hears
   * its alarms. The trends still need {@link #resultAction()} in the app's builder, once per pipeline: {@code
   * AifactoryApp.newBuilder()...action("spindles", ui.resultAction())}, since actions are fixed when a pipeline is
   * built.
   */
  public DiagnosticsServer watch(AifactoryApp app) {
    for (Map.Entry<String, Pipeline> p : app.pipelines().entrySet()) {
      watch(p.getValue(), app.alarms(p.getKey()).toArray(new ThresholdAlarm[0]));
    }
    app.guards().values().forEach(this::watch);
    app.devices().forEach(this::watch);
    app.models().values().forEach(this::watch);
    app.addAlarmListener(alarmListener);
    return this;
  }

  /**
   * Returns the handler that serves the page, for a vendor to mount in its own {@link HttpServer} under any context
   * path ending in {@code /}. Starts this server's update thread (not its own HTTP server) if not yet running.
   */
  public HttpHandler handler() {
    broadcaster.start();
    return handler;
  }

  /**
   * Binds the page's own HTTP server to {@link Builder#bindAddress}:{@link Builder#port} and starts the update thread.
   *
   * @throws UncheckedIOException if the address cannot be bound (the port is taken)
   * @throws IllegalStateException if started twice or closed
   */
  public synchronized DiagnosticsServer start() {
    if (closed) throw new IllegalStateException("diagnostics server closed");
    if (server != null) throw new IllegalStateException("diagnostics server already started at " + uri());
    HttpServer s;
    try {
      s = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("diagnostics server: cannot bind " + bindAddress + ":" + port + ": " + e.getMessage(), e);
    }
    // One thread per open page (it streams) plus two for files; a page beyond maxClients gets a 503 at once.
    serverExecutor = Executors.newFixedThreadPool(maxClients + 2, r -> {
      Thread t = new Thread(r, "aifactory-diagnostics-http");
      t.setDaemon(true);
      return t;
    });
    s.setExecutor(serverExecutor);
    s.createContext("/", handler);
    broadcaster.start();
    s.start();
    server = s;
    LOG.info("diagnostics page at {}", uri());
    return this;
  }

  /**
   * Returns the page's address, e.g. {@code http://127.0.0.1:8090/}.
   *
   * @throws IllegalStateException if {@link #start()} was not called
   */
  public synchronized URI uri() {
    if (server == null) throw new IllegalStateException("diagnostics server not started (or only mounted by handler())");
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
    if (host.contains(":")) host = "[" + host + "]";
    return URI.create("http://" + host + ":" + a.getPort() + "/");
  }

  /** Stops the update thread and the HTTP server (open pages see the stream end), and detaches the listeners. Idempotent. */
  @Override
  public void close() {
    HttpServer s;
    ExecutorService e;
    synchronized (this) {
      if (closed) return;
      closed = true;
      s = server;
      e = serverExecutor;
    }
    journal.close();
    broadcaster.close(); // ends every stream, so stop() below need not wait for them
    if (s != null) s.stop(0);
    if (e != null) {
      e.shutdownNow();
      try {
        e.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "DiagnosticsServer{" + (server == null ? "not started" : uri()) + "}";
  }

  private static boolean isLoopback(String address) {
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("bindAddress: unknown host " + address, e);
    }
  }

  /**
   * Options of a {@link DiagnosticsServer}. The defaults suit a commissioning laptop: 127.0.0.1, a free port, 600
   * results per machine (a minute at 10 per second), four updates a second.
   */
  public static final class Builder {
    private String bindAddress = "127.0.0.1";
    private int port;
    private int history = 600;
    private int decisionHistory = 500;
    private Duration updateInterval = Duration.ofMillis(250);
    private int maxClients = 8;
    private int clientQueue = 40;

    private Builder() {}

    /**
     * The address to listen on; {@code 127.0.0.1} by default, so that only this computer sees the page. Another
     * address shows the plant's data to the whole network, unauthenticated: put the page behind your product's own
     * login instead, with {@link DiagnosticsServer#handler()}.
     */
    public Builder bindAddress(String bindAddress) {
      this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
      return this;
    }

    /** The port; 0 (the default) picks a free one, see {@link DiagnosticsServer#uri()}. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
      this.port = port;
      return this;
    }

    /** How many results per machine the trends keep; 600 by default. */
    public Builder history(int resultsPerMachine) {
      if (resultsPerMachine < 2) throw new IllegalArgumentException("history < 2: " + resultsPerMachine);
      this.history = resultsPerMachine;
      return this;
    }

    /** How many guard decisions the page keeps, of all guards together; 500 by default. */
    public Builder decisionHistory(int decisions) {
      if (decisions < 1) throw new IllegalArgumentException("decisionHistory < 1: " + decisions);
      this.decisionHistory = decisions;
      return this;
    }

    /** How often the pages are updated (and the metrics polled); 250 ms by default. */
    public Builder updateInterval(Duration updateInterval) {
      if (updateInterval.toMillis() < 10) throw new IllegalArgumentException("updateInterval < 10 ms: " + updateInterval);
      this.updateInterval = updateInterval;
      return this;
    }

    /** How many pages may be open at once; 8 by default. One more gets HTTP 503. */
    public Builder maxClients(int maxClients) {
      if (maxClients < 1) throw new IllegalArgumentException("maxClients < 1: " + maxClients);
      this.maxClients = maxClients;
      return this;
    }

    /** How many updates a page may fall behind before it is dropped (it reconnects); 40 (10 s) by default. */
    public Builder clientQueue(int updates) {
      if (updates < 1) throw new IllegalArgumentException("clientQueue < 1: " + updates);
      this.clientQueue = updates;
      return this;
    }

    /** Builds the server; nothing listens and no thread runs until {@link DiagnosticsServer#start()} or
     * {@link DiagnosticsServer#handler()}. */
    public DiagnosticsServer build() {
      return new DiagnosticsServer(this);
    }
  }
}
