package io.aifactory.sdk.testkit.fakes;

import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.RecordedWrite;
import io.aifactory.sdk.testkit.SimulatedServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link SimulatedServer} without a socket, recording every call, for testing scenarios and the extension. */
public class InMemoryServer implements SimulatedServer {
  private static final AtomicInteger NEXT_PORT = new AtomicInteger(40000);

  private final String kind;
  private final int port;
  private final List<Tag> tags;
  private final Map<String, Object> values = new LinkedHashMap<>();
  private final Map<String, List<Object>> history = new LinkedHashMap<>();
  /** Fault calls in order, e.g. "stall true", "stop", "dropConnections". */
  public final List<String> faultCalls = new CopyOnWriteArrayList<>();
  private volatile boolean running = true;
  private volatile boolean closed;

  public InMemoryServer(String kind, int port, List<Tag> tags) {
    this.kind = kind;
    this.port = port == 0 ? NEXT_PORT.getAndIncrement() : port;
    this.tags = List.copyOf(tags);
    for (Tag t : tags) history.put(t.name(), new ArrayList<>());
  }

  @Override
  public URI uri() {
    return URI.create(kind + "://127.0.0.1:" + port);
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public List<Tag> tags() {
    return tags;
  }

  @Override
  public synchronized void set(String tagName, Object value) {
    if (!history.containsKey(tagName)) throw new IllegalArgumentException("unknown tag '" + tagName + "'");
    values.put(tagName, value);
    history.get(tagName).add(value);
  }

  @Override
  public synchronized Object get(String tagName) {
    if (!history.containsKey(tagName)) throw new IllegalArgumentException("unknown tag '" + tagName + "'");
    return values.get(tagName);
  }

  /** Returns every value set on a tag, oldest first. */
  public synchronized List<Object> history(String tagName) {
    return new ArrayList<>(history.get(tagName));
  }

  @Override
  public List<RecordedWrite> writes() {
    return List.of();
  }

  @Override
  public void dropConnections() {
    faultCalls.add("dropConnections");
  }

  @Override
  public void stall(boolean stalled) {
    faultCalls.add("stall " + stalled);
  }

  @Override
  public void delayReplies(Duration delay) {
    faultCalls.add("delayReplies " + delay);
  }

  @Override
  public void stop() {
    running = false;
    faultCalls.add("stop");
  }

  @Override
  public void start() {
    running = true;
    faultCalls.add("start");
  }

  public boolean isRunning() {
    return running && !closed;
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
  }
}
