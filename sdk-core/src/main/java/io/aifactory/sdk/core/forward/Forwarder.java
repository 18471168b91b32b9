package io.aifactory.sdk.core.forward;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forward in store-and-forward: one thread that takes the oldest records of a {@link DiskBuffer}, hands them
 * to a {@link Sender}, and acknowledges them once the sender says they are delivered. While the link is down it
 * retries the same records with a growing backoff; it never skips one, so the far side receives them in append
 * order (at least once: a batch whose delivery was not confirmed is sent again).
 *
 * <pre>{@code
 * Forwarder forwarder = Forwarder.newBuilder()
 *     .buffer(buffer)
 *     .sender(batch -> publishAndWait(batch))   // true only when every record of the batch is delivered
 *     .build();
 * forwarder.start();
 * // ... buffer.append(...) from anywhere ...
 * forwarder.close();                           // stops the thread; pending records stay in the buffer
 * }</pre>
 *
 * <p>The forwarder neither opens nor closes the buffer: whoever owns the buffer does.
 */
public final class Forwarder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
  private static final Duration IDLE_WAIT = Duration.ofMillis(200);

  /** Delivers a batch of records to the far side. */
  @FunctionalInterface
  public interface Sender {
    /**
     * Sends {@code records} (oldest first) and returns true only when every one of them is delivered; false or an
     * exception means the link is down and the same records will be offered again after a backoff. Called from
     * the forwarder's thread only.
     */
    boolean send(List<BufferedRecord> records) throws Exception;
  }

  private final DiskBuffer buffer;
  private final Sender sender;
  private final String name;
  private final int batchSize;
  private final long minBackoffNanos;
  private final long maxBackoffNanos;
  private final Duration closeTimeout;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final Object sleeper = new Object();
  private volatile boolean running;
  private volatile boolean linkDown;
  private volatile String lastFailure;
  private Thread thread;
  private boolean closed;

  private Forwarder(Builder b) {
    this.buffer = b.buffer;
    this.sender = b.sender;
    this.name = b.name != null ? b.name : b.buffer.name();
    this.batchSize = b.batchSize;
    this.minBackoffNanos = b.minBackoff.toNanos();
    this.maxBackoffNanos = b.maxBackoff.toNanos();
    this.closeTimeout = b.closeTimeout;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Starts the thread {@code forwarder-<name>}.
   *
   * @throws IllegalStateException if already started or closed
   */
  public synchronized void start() {
    if (closed) throw new IllegalStateException("forwarder '" + name + "' is closed");
    if (thread != null) throw new IllegalStateException("forwarder '" + name + "' already started");
    running = true;
    thread = new Thread(this::run, "forwarder-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Returns the number of records delivered (acknowledged) by this forwarder. */
  public long sent() {
    return sent.get();
  }

  /** Returns the number of failed send attempts (each retry counts). */
  public long failures() {
    return failures.get();
  }

  /** Returns whether the last send attempt failed. */
  public boolean linkDown() {
    return linkDown;
  }

  /** Returns what made the last failed send fail, or null if none failed. */
  public String lastFailure() {
    return lastFailure;
  }

  /**
   * Waits until the buffer has nothing pending; returns false if {@code timeout} passed first. For an orderly
   * shutdown that wants the backlog out before closing.
   */
  public boolean awaitDrained(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (buffer.pending() > 0) {
      if (System.nanoTime() - deadline >= 0) return false;
      Thread.sleep(10);
    }
    return true;
  }

  /**
   * Stops the thread: lets a send in progress finish for up to {@link Builder#closeTimeout}, then interrupts it.
   * What was not acknowledged stays in the buffer for the next run.
   */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      if (closed) return;
      closed = true;
      running = false;
      t = thread;
    }
    if (t == null) return;
    synchronized (sleeper) {
      sleeper.notifyAll();
    }
    try {
      t.join(closeTimeout.toMillis());
      if (t.isAlive()) {
        t.interrupt();
        t.join(closeTimeout.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long backoff = minBackoffNanos;
    while (running) {
      List<BufferedRecord> batch;
      try {
        if (!buffer.awaitPending(IDLE_WAIT)) continue;
        batch = buffer.peek(batchSize);
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        // The disk under the buffer failed; the buffer logged it. Try again later rather than die.
        fail(e);
        if (!pause(backoff)) break;
        backoff = Math.min(maxBackoffNanos, backoff * 2);
        continue;
      }
      if (batch.isEmpty()) continue;
      boolean ok;
      try {
        ok = sender.send(batch);
        if (!ok) fail(null);
      } catch (InterruptedException e) {
        break;
      } catch (Exception e) {
        ok = false;
        fail(e);
      }
      if (ok) {
        buffer.acknowledge(batch.get(batch.size() - 1).sequence());
        sent.addAndGet(batch.size());
        if (linkDown) {
          linkDown = false;
          LOG.info("Forwarder '{}': link is back; {} records still pending", name, buffer.pending());
        }
        backoff = minBackoffNanos;
      } else {
        if (!pause(backoff)) break;
        backoff = Math.min(maxBackoffNanos, backoff * 2);
      }
    }
  }

  private void fail(Exception e) {
    failures.incrementAndGet();
    lastFailure = e == null ? "sender returned false" : e.toString();
    if (!linkDown) {
      // Once per outage: a link down for days must not fill the log.
      linkDown = true;
      LOG.warn("Forwarder '{}': cannot send, keeping records on disk and retrying: {}", name, lastFailure);
    }
  }

  /** Sleeps for the backoff unless closed meanwhile; returns whether to go on. */
  private boolean pause(long nanos) {
    long deadline = System.nanoTime() + nanos;
    synchronized (sleeper) {
      long left;
      while (running && (left = deadline - System.nanoTime()) > 0) {
        try {
          sleeper.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          return false;
        }
      }
    }
    return running;
  }

  /** Options for a {@link Forwarder}; {@link #buffer} and {@link #sender} are required. */
  public static final class Builder {
    private DiskBuffer buffer;
    private Sender sender;
    private String name;
    private int batchSize = 500;
    private Duration minBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration closeTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /** The buffer to drain; opened and closed by its owner, not by the forwarder. */
    public Builder buffer(DiskBuffer buffer) {
      this.buffer = Objects.requireNonNull(buffer, "buffer");
      return this;
    }

    public Builder sender(Sender sender) {
      this.sender = Objects.requireNonNull(sender, "sender");
      return this;
    }

    /** The suffix of the thread's name. Default the buffer's name. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The most records handed to one {@link Sender#send} call. Default 500. */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) throw new IllegalArgumentException("batchSize < 1: " + batchSize);
      this.batchSize = batchSize;
      return this;
    }

    /** The first wait after a failed send; it doubles up to {@link #maxBackoff}. Default 100 ms. */
    public Builder minBackoff(Duration minBackoff) {
      Objects.requireNonNull(minBackoff, "minBackoff");
      if (minBackoff.isNegative() || minBackoff.isZero()) {
        throw new IllegalArgumentException("minBackoff <= 0: " + minBackoff);
      }
      this.minBackoff = minBackoff;
      return this;
    }

    /** The longest wait between retries. Default 30 s. */
    public Builder maxBackoff(Duration maxBackoff) {
      Objects.requireNonNull(maxBackoff, "maxBackoff");
      if (maxBackoff.isNegative() || maxBackoff.isZero()) {
        throw new IllegalArgumentException("maxBackoff <= 0: " + maxBackoff);
      }
      this.maxBackoff = maxBackoff;
      return this;
    }

    /** How long {@link Forwarder#close()} lets a send in progress finish before interrupting it. Default 10 s. */
    public Builder closeTimeout(Duration closeTimeout) {
      Objects.requireNonNull(closeTimeout, "closeTimeout");
      if (closeTimeout.isNegative()) throw new IllegalArgumentException("closeTimeout < 0: " + closeTimeout);
      this.closeTimeout = closeTimeout;
      return this;
    }

    /**
     * Returns a forwarder, not yet started.
     *
     * @throws IllegalStateException if the buffer or the sender is missing, or maxBackoff &lt; minBackoff
     */
    public Forwarder build() {
      if (buffer == null) throw new IllegalStateException("buffer is required");
      if (sender == null) throw new IllegalStateException("sender is required");
      if (maxBackoff.compareTo(minBackoff) < 0) {
        throw new IllegalStateException("maxBackoff < minBackoff: " + maxBackoff + " < " + minBackoff);
      }
      return new Forwarder(this);
    }
  }
}
