package io.aifactory.sdk.diagnostics.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread between the hooks and the browsers. Every interval it polls the metrics, reads what is new in the
 * journal's rings, writes it as JSON once, and offers that text to each open page's bounded queue. A page whose queue
 * is full (a slow browser, a stalled network) is dropped, never waited for: its browser reconnects by itself and starts
 * again from a snapshot. So no browser can slow this thread, and this thread never touches a pipeline's.
 */
public final class Broadcaster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Broadcaster.class);
  /** Put in a dropped page's queue: its stream ends, and the browser's EventSource reconnects. */
  static final String DROPPED = "\u0000dropped";

  private final Journal journal;
  private final Duration interval;
  private final int maxClients;
  private final int clientQueue;
  private final ObjectMapper json = new ObjectMapper();
  private final Set<Client> clients = ConcurrentHashMap.newKeySet();
  private final Journal.Cursors cursors = new Journal.Cursors(); // diagnostics thread only
  private long layoutSent = -1; // diagnostics thread only
  private ScheduledThreadPoolExecutor executor;
  private volatile boolean closed;

  public Broadcaster(Journal journal, Duration interval, int maxClients, int clientQueue) {
    this.journal = journal;
    this.interval = interval;
    this.maxClients = maxClients;
    this.clientQueue = clientQueue;
  }

  /** Starts the diagnostics thread; does nothing if it runs already. */
  public synchronized void start() {
    if (closed) throw new IllegalStateException("diagnostics closed");
    if (executor != null) return;
    executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "aifactory-diagnostics");
      t.setDaemon(true);
      return t;
    });
    executor.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Returns a new page's stream, or null if {@code maxClients} pages are open already. */
  public Client open() {
    if (closed) return null;
    synchronized (clients) {
      if (clients.size() >= maxClients) return null;
      Client c = new Client(clientQueue);
      clients.add(c);
      return c;
    }
  }

  public void close(Client client) {
    clients.remove(client);
  }

  public int clients() {
    return clients.size();
  }

  private void tick() {
    if (clients.isEmpty()) {
      // Nobody watching: no polling, no JSON. The next page starts from a snapshot, which the next tick builds
      // after reading the rings up to then.
      return;
    }
    try {
      String update = json.writeValueAsString(journal.collect(cursors));
      long layout = journal.layout();
      boolean relayout = layout != layoutSent;
      layoutSent = layout;
      String snapshot = null;
      for (Client c : clients) {
        String message;
        if (c.needsSnapshot || relayout) {
          if (snapshot == null) snapshot = json.writeValueAsString(journal.snapshot(cursors));
          message = snapshot;
          c.needsSnapshot = false;
        } else {
          message = update;
        }
        if (!c.queue.offer(message)) {
          LOG.debug("diagnostics: a page fell {} updates behind; dropping it (it reconnects)", clientQueue);
          c.drop();
          clients.remove(c);
        }
      }
    } catch (JsonProcessingException | RuntimeException e) {
      // Never let one bad tick cancel the schedule: the page would freeze with no sign why.
      LOG.warn("diagnostics: update failed", e);
    }
  }

  @Override
  public void close() {
    ScheduledThreadPoolExecutor e;
    synchronized (this) {
      closed = true;
      e = executor;
    }
    if (e != null) {
      e.shutdownNow();
      try {
        e.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
    for (Client c : clients) {
      c.drop();
    }
    clients.clear();
  }

  /** One open page: the messages waiting for its stream's thread. */
  public static final class Client {
    final BlockingQueue<String> queue;
    volatile boolean needsSnapshot = true;

    Client(int capacity) {
      this.queue = new ArrayBlockingQueue<>(capacity + 1); // + 1: room for DROPPED
    }

    void drop() {
      queue.clear();
      queue.offer(DROPPED);
    }

    /** Returns the next message, null after {@code timeout} without one, or {@link #DROPPED}. */
    String next(Duration timeout) throws InterruptedException {
      return queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
