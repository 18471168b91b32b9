package io.aifactory.sdk.modbus.internal;

import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.ProtocolException;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
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
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read path of a {@link ModbusDevice}: it plans reads (with the holes and per-request limits it has learned),
 * runs a plan's read cycle on the device's current connection (one request at a time, or pipelined over Modbus TCP),
 * splits and retries requests the device refuses, learns holes and lower limits from those refusals, checks and copies
 * replies, and maps failures to the {@link Quality} of the rows. It does not own the connection: it sends through
 * {@link ModbusConnection}, and a failure that drops the connection is {@link ModbusConnection#failed handed} to it.
 *
 * <p>Threading: {@link #execute} and {@link #fetch} run on the device's I/O thread only, like everything they touch
 * but the learned limits, holes and plans, which {@link #plan} and {@link #newPlan} read from any thread (volatile
 * fields, a concurrent map and {@link Holes}' own locking).
 */
final class ModbusReader {
  // The device's logger, so that log categories stay what they were before the device was split.
  private static final Logger log = LoggerFactory.getLogger(ModbusDevice.class);

  private final URI uri;
  private final ModbusSettings settings;
  private final DeviceOptions options;
  private final ModbusConnection connection;
  private final Counters counters;
  private final Quality disconnected;
  /** Per-request limits, lowered when the device answers ILLEGAL_DATA_VALUE to a merged request. */
  private volatile int registerLimit;
  private volatile int bitLimit;
  private final Holes holes = new Holes();
  private final Map<List<Tag>, ReadPlan> plans = new ConcurrentHashMap<>();
  private volatile ReadPlan recentPlan;
  /** Set once pipelined replies were seen to stall (a device with Nagle's algorithm on): requests go one by one. */
  private volatile boolean pipelineOff;

  // I/O thread only
  /** Units that timed out in the cycle being executed: their later requests in it are not sent. */
  private final BitSet silentThisCycle = new BitSet(256);
  private final PipelineStallDetector stalls = new PipelineStallDetector();

  ModbusReader(ModbusSettings settings, DeviceOptions options, ModbusConnection connection, Counters counters,
      Quality disconnected) {
    this.uri = settings.uri;
    this.settings = settings;
    this.options = options;
    this.connection = connection;
    this.counters = counters;
    this.disconnected = disconnected;
    this.registerLimit = settings.maxRegisters;
    this.bitLimit = settings.maxBits;
  }

  /** Returns how many requests are in flight at most: the pipeline, unless it is off or not Modbus TCP. */
  int pipelineDepth() {
    return settings.framing == ModbusSettings.Framing.TCP && !pipelineOff ? settings.pipeline : 1;
  }

  /** Returns the most registers (or bits, for a bit table) one read request asks for, as learned so far. */
  int limit(ModbusTable table) {
    return table.isBits() ? bitLimit : registerLimit;
  }

  long holesVersion() {
    return holes.version();
  }

  /** See {@link ModbusDevice#plan}. */
  ReadPlan plan(List<Tag> tags) {
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

  /** Runs one read cycle of {@code plan}; I/O thread only. */
  SampleBatch execute(ReadPlan plan) {
    long started = System.nanoTime();
    if (plan.holesVersion != holes.version()) plan = newPlan(plan.tagList);
    silentThisCycle.clear();
    Transport transport = connection.transport();
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
    if (connection.transport() == null) {
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
            connection.describe(span.unit) + " refused " + describe(span.table, span.start, span.count)
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
    return Quality.bad(Quality.Reason.TIMEOUT, connection.describe(unit) + " did not answer earlier in this cycle");
  }

  /**
   * A request to {@code unit} failed without a reply: see {@link ModbusConnection#failed}. If the connection stays,
   * the unit's later requests in this cycle are not sent.
   */
  private void failed(int unit, Exception e) {
    if (connection.failed(unit, e)) silentThisCycle.set(unit);
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
    byte[] request = connection.request;
    byte[] response = connection.response;
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
      Transport transport = connection.transport();
      if (transport == null) {
        for (int k = 0; k < n; k++) mark(plan, window[k].items, disconnected);
        continue;
      }
      int received = 0;
      long sentNanos = System.nanoTime();
      long firstNanos = 0;
      boolean clean = true;
      connection.exchangeStarted(sentNanos);
      try {
        for (int k = 0; k < n; k++) {
          ReadPlan.Span s = window[k];
          counters.requests.incrementAndGet();
          tokens[k] = transport.send(s.unit, request, readRequest(s.table, s.start, s.count));
        }
        for (; received < n; received++) {
          ReadPlan.Span s = window[received];
          refused[received] = null;
          connection.exchangeStarted(System.nanoTime());
          int len = transport.receive(tokens[received], s.unit, response);
          connection.answered(s.unit);
          try {
            connection.checkReply(len, s.table.readFunctionCode(), s.unit, describe(s.table, s.start, s.count));
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
        connection.lost(e);
      } finally {
        connection.exchangeEnded();
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
      if (connection.transport() == null) {
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

  private static Quality deviceError(ModbusDeviceException e) {
    return Quality.bad(Quality.Reason.DEVICE_ERROR, e.code(), e.getMessage());
  }

  private static Quality transportError(Exception e) {
    if (e instanceof SocketTimeoutException) return Quality.bad(Quality.Reason.TIMEOUT, e.getMessage());
    if (e instanceof ProtocolException) return Quality.bad(Quality.Reason.PROTOCOL_ERROR, e.getMessage());
    return Quality.bad(Quality.Reason.DISCONNECTED, String.valueOf(e.getMessage()));
  }

  /**
   * Reads {@code count} registers or bits from {@code start} into {@code dest} at register or bit index
   * {@code destIndex}, in requests of {@code chunk} (the last may be shorter); see {@link RequestPlanner#chunk}.
   * I/O thread only; the writer uses it too, to read before a read-modify-write and to verify.
   */
  void fetch(int unit, ModbusTable table, int start, int count, int chunk, byte[] dest, int destIndex)
      throws IOException {
    for (int done = 0; done < count; done += chunk) {
      int n = Math.min(chunk, count - done);
      int len = connection.transact(unit, readRequest(table, start + done, n), describe(table, start + done, n));
      copyReadReply(len, unit, table, start + done, n, dest, destIndex + done);
    }
  }

  /** Puts a read request into the connection's request buffer; returns its length. */
  private int readRequest(ModbusTable table, int address, int n) {
    byte[] request = connection.request;
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
    byte[] response = connection.response;
    int expected = table.isBits() ? (n + 7) / 8 : n * 2;
    int byteCount = len >= 2 ? response[1] & 0xff : -1;
    if (byteCount != expected || len != 2 + byteCount) {
      throw new ProtocolException(connection.describe(unit) + ": reply to " + describe(table, address, n) + " has byte count "
          + byteCount + " and " + Math.max(0, len - 2) + " data bytes, expected " + expected);
    }
    if (table.isBits()) {
      for (int i = 0; i < n; i++) ModbusCodec.setBit(dest, destIndex + i, ModbusCodec.bit(response, 16 + i));
    } else {
      System.arraycopy(response, 2, dest, destIndex * 2, n * 2);
    }
  }
}
