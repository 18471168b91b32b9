package io.aifactory.sdk.testkit.modbus;

import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.modbus.ModbusAddress;
import io.aifactory.sdk.modbus.ModbusCodec;
import io.aifactory.sdk.modbus.ModbusExceptionCode;
import io.aifactory.sdk.modbus.ModbusTable;
import io.aifactory.sdk.modbus.WordOrder;
import io.aifactory.sdk.modbus.internal.Crc16;
import io.aifactory.sdk.testkit.RecordedWrite;
import io.aifactory.sdk.testkit.SimulatedServer;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated Modbus PLC: Modbus TCP (or RTU framing over TCP) on loopback, with several unit ids, each with all four
 * tables of 65536 addresses, declared with the same {@link Tag}s and address notation as the driver.
 *
 * <pre>{@code
 * List<Tag> plant = List.of(Tag.of("temperature", "holding:100:float32:cdab", DataType.FLOAT32));
 * try (ModbusSimulator plc = ModbusSimulator.newBuilder().unit(1, plant).build()) {
 *   plc.start();
 *   plc.set("temperature", 21.5);
 *   try (Device device = Devices.open(plc.uri().toString())) { ... }
 * }
 * }</pre>
 *
 * <p>Every address of every table exists and reads as 0 until set, unless an exception is injected for it with
 * {@link #exception}. A tag whose address names no word order uses the simulator's {@link Builder#wordOrder}
 * (ABCD unless set, as the driver's default). One thread accepts connections and one thread serves each; a request
 * for a unit the simulator lacks is answered with GATEWAY_TARGET_DEVICE_FAILED_TO_RESPOND.
 */
public final class ModbusSimulator implements SimulatedServer {
  private static final Logger log = LoggerFactory.getLogger(ModbusSimulator.class);

  private final String host;
  private final boolean rtuOverTcp;
  private final WordOrder wordOrder;
  private final Clock clock;
  private final int maxRegistersPerRequest;
  private final boolean tcpNoDelay;
  private final Map<Integer, Unit> units;
  private final Map<String, Entry> entries;
  private final List<Tag> tags;
  private final List<RecordedWrite> writes = new CopyOnWriteArrayList<>();
  private final List<InjectedException> exceptions = new CopyOnWriteArrayList<>();
  private final Set<Integer> refusedFunctionCodes = ConcurrentHashMap.newKeySet();
  private final Set<Integer> silentUnits = ConcurrentHashMap.newKeySet();
  private final Map<Integer, Long> unitDelayNanos = new ConcurrentHashMap<>();
  private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLongArray byFunctionCode = new AtomicLongArray(128);
  private final AtomicLong connections = new AtomicLong();
  private volatile boolean stalled;
  private volatile long delayNanos;
  private volatile MalformedReply malformed = MalformedReply.NONE;
  private volatile int port;
  /** Guards {@link #server} and the registration of connections, so that stop() cannot miss one being accepted. */
  private final Object connectionLock = new Object();
  private ServerSocket server;
  private boolean closed;

  private ModbusSimulator(Builder b) {
    this.host = b.host;
    this.rtuOverTcp = b.rtuOverTcp;
    this.wordOrder = b.wordOrder;
    this.clock = b.clock;
    this.maxRegistersPerRequest = b.maxRegistersPerRequest;
    this.tcpNoDelay = b.tcpNoDelay;
    this.port = b.port;
    this.units = new TreeMap<>();
    this.entries = new LinkedHashMap<>();
    List<Tag> all = new ArrayList<>();
    for (Map.Entry<Integer, List<Tag>> u : b.units.entrySet()) {
      Unit unit = new Unit(u.getKey());
      units.put(u.getKey(), unit);
      for (Tag t : u.getValue()) {
        if (entries.containsKey(t.name())) throw new IllegalArgumentException("tag name '" + t.name() + "' declared twice");
        ModbusAddress a = ModbusAddress.of(t);
        Entry e = new Entry(unit, t, a, a.wordOrder(wordOrder));
        entries.put(t.name(), e);
        unit.entries.add(e);
        all.add(t);
      }
    }
    this.tags = List.copyOf(all);
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Starts listening (on the builder's port the first time, then on the port it got); does nothing if listening.
   *
   * @throws IllegalStateException if the port cannot be bound or the simulator is closed
   */
  @Override
  public synchronized void start() {
    if (closed) throw new IllegalStateException("simulator is closed");
    if (server != null) return;
    ServerSocket s = null;
    try {
      s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      synchronized (connectionLock) {
        server = s;
      }
      port = s.getLocalPort();
      ServerSocket listening = s;
      Thread acceptor = new Thread(() -> accept(listening), "modbus-sim accept :" + port);
      acceptor.setDaemon(true);
      threads.add(acceptor);
      acceptor.start();
    } catch (IOException e) {
      if (s != null) {
        try {
          s.close(); // never bound (port in use): nothing else would close it
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void stop() {
    ServerSocket s;
    synchronized (connectionLock) {
      s = server;
      server = null;
    }
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing is best effort
      }
    }
    dropConnections();
    for (Thread t : threads) t.interrupt();
    for (Thread t : threads) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    stop();
    closed = true;
  }

  @Override
  public URI uri() {
    // The default word order travels in the URI, so a driver that opens it decodes what this simulator encodes.
    return URI.create((rtuOverTcp ? "modbus+rtu+tcp" : "modbus+tcp") + "://" + host + ":" + port + "?unit="
        + units.keySet().iterator().next() + (wordOrder == WordOrder.ABCD ? "" : "&wordOrder=" + wordOrder.notation()));
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public List<Tag> tags() {
    return tags;
  }

  /** Returns the unit ids this simulator answers for, ascending. */
  public List<Integer> unitIds() {
    return List.copyOf(units.keySet());
  }

  @Override
  public void set(String tagName, Object value) {
    Entry e = entry(tagName);
    Unit u = e.unit;
    synchronized (u) {
      if (e.address.table().isBits()) {
        byte[] image = new byte[(e.address.width() + 7) / 8];
        ModbusCodec.encodeBits(e.address, e.tag, value, image, 0);
        for (int i = 0; i < e.address.width(); i++) {
          ModbusCodec.setBit(u.bits(e.address.table()), e.address.offset() + i, ModbusCodec.bit(image, i));
        }
      } else {
        byte[] regs = u.registers(e.address.table());
        byte[] image = new byte[e.address.width() * 2];
        System.arraycopy(regs, e.address.offset() * 2, image, 0, image.length);
        ModbusCodec.encodeRegisters(e.address, e.order, e.tag, value, image, 0);
        System.arraycopy(image, 0, regs, e.address.offset() * 2, image.length);
      }
    }
  }

  @Override
  public Object get(String tagName) {
    Entry e = entry(tagName);
    synchronized (e.unit) {
      return e.decode();
    }
  }

  /** Sets a register's raw 16-bit value, bypassing the codec (to check a driver's decoding against known bytes). */
  public void setRegister(int unitId, ModbusTable table, int address, int raw) {
    Unit u = unit(unitId);
    if (table.isBits()) throw new IllegalArgumentException(table + " holds bits, not registers");
    synchronized (u) {
      byte[] regs = u.registers(table);
      regs[address * 2] = (byte) (raw >> 8);
      regs[address * 2 + 1] = (byte) raw;
    }
  }

  /** Returns a register's raw 16-bit value, bypassing the codec. */
  public int register(int unitId, ModbusTable table, int address) {
    Unit u = unit(unitId);
    if (table.isBits()) throw new IllegalArgumentException(table + " holds bits, not registers");
    synchronized (u) {
      byte[] regs = u.registers(table);
      return ((regs[address * 2] & 0xff) << 8) | (regs[address * 2 + 1] & 0xff);
    }
  }

  @Override
  public List<RecordedWrite> writes() {
    return List.copyOf(writes);
  }

  /** Forgets the recorded writes. */
  public void clearWrites() {
    writes.clear();
  }

  /** Returns how many requests the simulator has received since it was built, stalled ones included. */
  public long requestCount() {
    return requests.get();
  }

  /** Returns how many requests with function code {@code functionCode} (e.g. 3, 16) the simulator has received. */
  public long requestCount(int functionCode) {
    if (functionCode < 0 || functionCode > 127) throw new IllegalArgumentException("functionCode not in 0..127: " + functionCode);
    return byFunctionCode.get(functionCode);
  }

  /** Returns how many client connections the simulator has accepted since it was built. */
  public long connectionCount() {
    return connections.get();
  }

  /** Returns how many client connections are open now (a client that closed its socket is no longer counted). */
  public int openConnections() {
    return clients.size();
  }

  @Override
  public void dropConnections() {
    synchronized (connectionLock) {
      for (Socket s : clients) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing is best effort
        }
      }
      clients.clear();
    }
  }

  @Override
  public void stall(boolean stalled) {
    this.stalled = stalled;
  }

  @Override
  public void delayReplies(Duration delay) {
    if (delay.isNegative()) throw new IllegalArgumentException("delay < 0: " + delay);
    this.delayNanos = delay.toNanos();
  }

  /**
   * Makes one unit silent, as a slave on a multi-drop bus that lost power or its address: its requests are read and
   * never answered, while the other units answer and the connection stays open. Undone with {@code silence(id, false)}.
   */
  public void silence(int unitId, boolean silent) {
    unit(unitId);
    if (silent) {
      silentUnits.add(unitId);
    } else {
      silentUnits.remove(unitId);
    }
  }

  /**
   * Delays the replies of one unit, as a slow slave behind a gateway: the gateway (one request at a time on its bus)
   * answers later requests, of any unit, only after it. {@code Duration.ZERO} undoes it.
   */
  public void delayReplies(int unitId, Duration delay) {
    unit(unitId);
    if (delay.isNegative()) throw new IllegalArgumentException("delay < 0: " + delay);
    unitDelayNanos.put(unitId, delay.toNanos());
  }

  /**
   * Answers every request of {@code unitId} that touches {@code [address, address + count)} of {@code table} with
   * exception {@code code}, reads and writes alike, until {@link #clearExceptions()}.
   */
  public void exception(int unitId, ModbusTable table, int address, int count, ModbusExceptionCode code) {
    Objects.requireNonNull(table, "table");
    if (code == ModbusExceptionCode.UNKNOWN) throw new IllegalArgumentException("code UNKNOWN has no number");
    if (count < 1) throw new IllegalArgumentException("count < 1: " + count);
    exceptions.add(new InjectedException(unitId, table, address, address + count, code.code()));
  }

  /** Answers requests touching a tag's registers or bits with exception {@code code}. */
  public void exception(String tagName, ModbusExceptionCode code) {
    Entry e = entry(tagName);
    exception(e.unit.id, e.address.table(), e.address.offset(), e.address.width(), code);
  }

  /**
   * Answers every request with function code {@code functionCode} (e.g. 6 or 22) with ILLEGAL_FUNCTION, as a
   * gateway that lacks it does, until {@link #clearExceptions()}.
   */
  public void refuseFunctionCode(int functionCode) {
    if (functionCode < 1 || functionCode > 127) throw new IllegalArgumentException("functionCode not in 1..127: " + functionCode);
    refusedFunctionCodes.add(functionCode);
  }

  public void clearExceptions() {
    exceptions.clear();
    refusedFunctionCodes.clear();
  }

  /** Breaks every reply the way {@code mode} says, until set back to {@link MalformedReply#NONE}. */
  public void malformReplies(MalformedReply mode) {
    this.malformed = Objects.requireNonNull(mode, "mode");
  }

  private Entry entry(String tagName) {
    Entry e = entries.get(tagName);
    if (e == null) throw new IllegalArgumentException("no tag '" + tagName + "' on this simulator (tags: " + entries.keySet() + ")");
    return e;
  }

  private Unit unit(int id) {
    Unit u = units.get(id);
    if (u == null) throw new IllegalArgumentException("no unit " + id + " on this simulator (units: " + units.keySet() + ")");
    return u;
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      Socket c;
      try {
        c = s.accept();
      } catch (IOException e) {
        break;
      }
      synchronized (connectionLock) {
        if (server != s) {
          // stop() ran while this connection was being accepted: refuse it as the stopped server would have.
          try {
            c.close();
          } catch (IOException ignored) {
            // closing is best effort
          }
          break;
        }
        connections.incrementAndGet();
        clients.add(c);
        Thread t = new Thread(() -> serve(c), "modbus-sim conn " + c.getRemoteSocketAddress());
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }
    threads.remove(Thread.currentThread());
  }

  private void serve(Socket c) {
    try (Socket socket = c) {
      socket.setTcpNoDelay(tcpNoDelay);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      byte[] frame = new byte[300];
      while (!socket.isClosed()) {
        int unitId;
        int tid = 0;
        byte[] pdu;
        if (rtuOverTcp) {
          readFully(in, frame, 0, 2);
          int fc = frame[1] & 0xff;
          int rest;
          if (fc == 15 || fc == 16) {
            readFully(in, frame, 2, 5);
            rest = (frame[6] & 0xff) + 2;
            readFully(in, frame, 7, rest);
            rest += 5;
          } else if (fc == 22) {
            rest = 8;
            readFully(in, frame, 2, rest);
          } else {
            rest = 6;
            readFully(in, frame, 2, rest);
          }
          int total = 2 + rest;
          int crc = Crc16.of(frame, 0, total - 2);
          if ((frame[total - 2] & 0xff) != (crc & 0xff) || (frame[total - 1] & 0xff) != (crc >> 8)) {
            log.debug("simulator: request with a bad CRC ignored, as a serial device would");
            continue;
          }
          unitId = frame[0] & 0xff;
          pdu = java.util.Arrays.copyOfRange(frame, 1, total - 2);
        } else {
          readFully(in, frame, 0, 7);
          tid = ((frame[0] & 0xff) << 8) | (frame[1] & 0xff);
          int length = ((frame[4] & 0xff) << 8) | (frame[5] & 0xff);
          if (length < 2 || length > 254) throw new IOException("request length " + length);
          unitId = frame[6] & 0xff;
          pdu = new byte[length - 1];
          readFully(in, pdu, 0, pdu.length);
        }
        requests.incrementAndGet();
        byFunctionCode.incrementAndGet(pdu.length > 0 ? pdu[0] & 0x7f : 0);
        if (stalled || silentUnits.contains(unitId)) continue;
        long delay = delayNanos + unitDelayNanos.getOrDefault(unitId, 0L);
        if (delay > 0) Thread.sleep(delay / 1_000_000, (int) (delay % 1_000_000));
        byte[] reply = process(unitId, pdu);
        out.write(frame(tid, unitId, reply));
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // the client left, the connection was dropped, or the simulator stopped
    } finally {
      clients.remove(c);
      threads.remove(Thread.currentThread());
    }
  }

  private byte[] frame(int tid, int unitId, byte[] pdu) {
    MalformedReply mode = malformed;
    byte[] body = pdu;
    if (mode == MalformedReply.TRUNCATED_PDU) {
      body = new byte[] {pdu[0]};
    } else if (mode == MalformedReply.WRONG_FUNCTION_CODE) {
      body = pdu.clone();
      body[0] = (byte) ((pdu[0] & 0x7f) == 3 ? 4 | (pdu[0] & 0x80) : 3 | (pdu[0] & 0x80));
    } else if (mode == MalformedReply.BYTE_COUNT_MISMATCH && pdu[0] >= 1 && pdu[0] <= 4) {
      body = pdu.clone();
      body[1] = (byte) (body[1] + 2);
    }
    if (rtuOverTcp) {
      byte[] f = new byte[body.length + 3];
      boolean wrongUnit = mode == MalformedReply.WRONG_TRANSACTION_ID || mode == MalformedReply.WRONG_PROTOCOL_ID;
      f[0] = (byte) (wrongUnit ? unitId + 1 : unitId);
      System.arraycopy(body, 0, f, 1, body.length);
      int crc = Crc16.of(f, 0, body.length + 1);
      if (mode == MalformedReply.BAD_CRC) crc ^= 0xffff;
      f[body.length + 1] = (byte) crc;
      f[body.length + 2] = (byte) (crc >> 8);
      return f;
    }
    byte[] f = new byte[body.length + 7];
    int t = mode == MalformedReply.WRONG_TRANSACTION_ID ? (tid + 1) & 0xffff : tid;
    f[0] = (byte) (t >> 8);
    f[1] = (byte) t;
    f[3] = (byte) (mode == MalformedReply.WRONG_PROTOCOL_ID ? 1 : 0);
    f[4] = (byte) ((body.length + 1) >> 8);
    f[5] = (byte) (body.length + 1);
    f[6] = (byte) unitId;
    System.arraycopy(body, 0, f, 7, body.length);
    return f;
  }

  /** Returns the reply PDU for one request PDU. */
  private byte[] process(int unitId, byte[] pdu) {
    int fc = pdu[0] & 0xff;
    Unit u = units.get(unitId);
    if (u == null) return error(fc, ModbusExceptionCode.GATEWAY_TARGET_DEVICE_FAILED_TO_RESPOND.code());
    if (refusedFunctionCodes.contains(fc)) return error(fc, ModbusExceptionCode.ILLEGAL_FUNCTION.code());
    if (pdu.length < 5) return error(fc, ModbusExceptionCode.ILLEGAL_DATA_VALUE.code());
    int address = word(pdu, 1);
    int second = word(pdu, 3);
    switch (fc) {
      case 1:
      case 2:
      case 3:
      case 4: {
        ModbusTable table = ModbusTable.fromReadFunctionCode(fc);
        int max = table.isBits() ? 2000 : maxRegistersPerRequest;
        if (second < 1 || second > max) return error(fc, ModbusExceptionCode.ILLEGAL_DATA_VALUE.code());
        if (address + second > 65536) return error(fc, ModbusExceptionCode.ILLEGAL_DATA_ADDRESS.code());
        int code = injected(unitId, table, address, second);
        if (code != 0) return error(fc, code);
        synchronized (u) {
          if (table.isBits()) {
            int bytes = (second + 7) / 8;
            byte[] r = new byte[2 + bytes];
            r[0] = (byte) fc;
            r[1] = (byte) bytes;
            byte[] bits = u.bits(table);
            for (int i = 0; i < second; i++) ModbusCodec.setBit(r, 16 + i, ModbusCodec.bit(bits, address + i));
            return r;
          }
          byte[] r = new byte[2 + second * 2];
          r[0] = (byte) fc;
          r[1] = (byte) (second * 2);
          System.arraycopy(u.registers(table), address * 2, r, 2, second * 2);
          return r;
        }
      }
      case 5: {
        if (second != 0xFF00 && second != 0) return error(fc, ModbusExceptionCode.ILLEGAL_DATA_VALUE.code());
        int code = injected(unitId, ModbusTable.COIL, address, 1);
        if (code != 0) return error(fc, code);
        synchronized (u) {
          ModbusCodec.setBit(u.coils, address, second == 0xFF00);
          recordWrites(u, ModbusTable.COIL, address, 1);
        }
        return java.util.Arrays.copyOf(pdu, 5);
      }
      case 6: {
        int code = injected(unitId, ModbusTable.HOLDING_REGISTER, address, 1);
        if (code != 0) return error(fc, code);
        synchronized (u) {
          u.holding[address * 2] = pdu[3];
          u.holding[address * 2 + 1] = pdu[4];
          recordWrites(u, ModbusTable.HOLDING_REGISTER, address, 1);
        }
        return java.util.Arrays.copyOf(pdu, 5);
      }
      case 15:
      case 16: {
        boolean bits = fc == 15;
        int max = bits ? 1968 : Math.min(123, maxRegistersPerRequest);
        int bytes = pdu.length > 5 ? pdu[5] & 0xff : -1;
        int expected = bits ? (second + 7) / 8 : second * 2;
        if (second < 1 || second > max || bytes != expected || pdu.length != 6 + bytes) {
          return error(fc, ModbusExceptionCode.ILLEGAL_DATA_VALUE.code());
        }
        if (address + second > 65536) return error(fc, ModbusExceptionCode.ILLEGAL_DATA_ADDRESS.code());
        ModbusTable table = bits ? ModbusTable.COIL : ModbusTable.HOLDING_REGISTER;
        int code = injected(unitId, table, address, second);
        if (code != 0) return error(fc, code);
        synchronized (u) {
          if (bits) {
            for (int i = 0; i < second; i++) ModbusCodec.setBit(u.coils, address + i, ModbusCodec.bit(pdu, 48 + i));
          } else {
            System.arraycopy(pdu, 6, u.holding, address * 2, second * 2);
          }
          recordWrites(u, table, address, second);
        }
        return java.util.Arrays.copyOf(pdu, 5);
      }
      case 22: {
        if (pdu.length < 7) return error(fc, ModbusExceptionCode.ILLEGAL_DATA_VALUE.code());
        int and = second;
        int or = word(pdu, 5);
        int code = injected(unitId, ModbusTable.HOLDING_REGISTER, address, 1);
        if (code != 0) return error(fc, code);
        synchronized (u) {
          int current = word(u.holding, address * 2);
          int next = (current & and) | (or & ~and & 0xffff);
          u.holding[address * 2] = (byte) (next >> 8);
          u.holding[address * 2 + 1] = (byte) next;
          recordWrites(u, ModbusTable.HOLDING_REGISTER, address, 1);
        }
        return java.util.Arrays.copyOf(pdu, 7);
      }
      default:
        return error(fc, ModbusExceptionCode.ILLEGAL_FUNCTION.code());
    }
  }

  private void recordWrites(Unit u, ModbusTable table, int from, int count) {
    for (Entry e : u.entries) {
      ModbusAddress a = e.address;
      if (a.table() == table && a.offset() < from + count && a.end() > from) {
        writes.add(new RecordedWrite(e.tag.name(), e.decode(), clock.instant()));
      }
    }
  }

  private int injected(int unitId, ModbusTable table, int from, int count) {
    for (InjectedException x : exceptions) {
      if (x.unit == unitId && x.table == table && x.from < from + count && x.to > from) return x.code;
    }
    return 0;
  }

  private static byte[] error(int fc, int code) {
    return new byte[] {(byte) (fc | 0x80), (byte) code};
  }

  private static int word(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }

  private static void readFully(InputStream in, byte[] b, int off, int len) throws IOException {
    int done = 0;
    while (done < len) {
      int n = in.read(b, off + done, len - done);
      if (n < 0) throw new EOFException();
      done += n;
    }
  }

  @Override
  public String toString() {
    return "ModbusSimulator{" + uri() + ", units " + units.keySet() + ", " + entries.size() + " tags}";
  }

  /** One unit id's four tables; locked as a whole so multi-register values change atomically. */
  private static final class Unit {
    final int id;
    final byte[] coils = new byte[65536 / 8];
    final byte[] discretes = new byte[65536 / 8];
    final byte[] input = new byte[65536 * 2];
    final byte[] holding = new byte[65536 * 2];
    final List<Entry> entries = new ArrayList<>();

    Unit(int id) {
      this.id = id;
    }

    byte[] bits(ModbusTable table) {
      return table == ModbusTable.COIL ? coils : discretes;
    }

    byte[] registers(ModbusTable table) {
      return table == ModbusTable.HOLDING_REGISTER ? holding : input;
    }
  }

  private static final class Entry {
    final Unit unit;
    final Tag tag;
    final ModbusAddress address;
    final WordOrder order;

    Entry(Unit unit, Tag tag, ModbusAddress address, WordOrder order) {
      this.unit = unit;
      this.tag = tag;
      this.address = address;
      this.order = order;
    }

    /** Decodes the tag's current value; the caller holds the unit's lock. */
    Object decode() {
      if (address.table().isBits()) {
        byte[] image = new byte[(address.width() + 7) / 8];
        for (int i = 0; i < address.width(); i++) {
          ModbusCodec.setBit(image, i, ModbusCodec.bit(unit.bits(address.table()), address.offset() + i));
        }
        return ModbusCodec.decodeBitValue(address, image, 0);
      }
      return ModbusCodec.decodeRegisterValue(address, order, tag, unit.registers(address.table()), address.offset() * 2);
    }
  }

  private static final class InjectedException {
    final int unit;
    final ModbusTable table;
    final int from;
    final int to;
    final int code;

    InjectedException(int unit, ModbusTable table, int from, int to, int code) {
      this.unit = unit;
      this.table = table;
      this.from = from;
      this.to = to;
      this.code = code;
    }
  }

  /** Builds a {@link ModbusSimulator}; at least one unit is required. */
  public static final class Builder {
    private final Map<Integer, List<Tag>> units = new LinkedHashMap<>();
    private String host = "127.0.0.1";
    private int port;
    private boolean rtuOverTcp;
    private WordOrder wordOrder = WordOrder.ABCD;
    private Clock clock = Clock.systemUTC();
    private int maxRegistersPerRequest = 125;
    private boolean tcpNoDelay = true;

    private Builder() {}

    /**
     * With {@code false}, keeps Nagle's algorithm on for client connections, as j2mod's slave and many embedded TCP
     * stacks do: a reply written while the previous one is unacknowledged waits for the client's (delayed) ACK, so
     * pipelined requests are answered one per delayed ACK. True (replies sent at once) by default.
     */
    public Builder tcpNoDelay(boolean tcpNoDelay) {
      this.tcpNoDelay = tcpNoDelay;
      return this;
    }

    /**
     * Sets how many registers one request may read (or write), like a small PLC that answers ILLEGAL_DATA_VALUE to
     * longer requests; 125 (the protocol's limit) by default.
     */
    public Builder maxRegistersPerRequest(int maxRegistersPerRequest) {
      if (maxRegistersPerRequest < 1 || maxRegistersPerRequest > 125) {
        throw new IllegalArgumentException("maxRegistersPerRequest not in 1..125: " + maxRegistersPerRequest);
      }
      this.maxRegistersPerRequest = maxRegistersPerRequest;
      return this;
    }

    /**
     * Adds a unit id and the tags it holds. A tag's address may name this unit ({@code holding:100@3}), so that
     * the driver's tags for a multi-drop bus can be declared here unchanged.
     *
     * @throws io.aifactory.sdk.core.AddressException if a tag's address is malformed
     * @throws IllegalArgumentException if a tag's address names another unit
     */
    public Builder unit(int unitId, List<Tag> tags) {
      if (unitId < 0 || unitId > 255) throw new IllegalArgumentException("unitId not in 0..255: " + unitId);
      for (Tag t : tags) {
        int named = ModbusAddress.of(t).unit();
        if (named >= 0 && named != unitId) {
          throw new IllegalArgumentException("tag '" + t.name() + "' (" + t.address() + ") names unit " + named
              + " but is declared for unit " + unitId);
        }
      }
      units.put(unitId, List.copyOf(tags));
      return this;
    }

    /** Sets the port to listen on; 0 (the default) lets the OS choose a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) throw new IllegalArgumentException("port not in 0..65535: " + port);
      this.port = port;
      return this;
    }

    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** Speaks RTU framing (unit, PDU, CRC) over TCP, as serial gateways do, instead of Modbus TCP. */
    public Builder rtuOverTcp(boolean rtuOverTcp) {
      this.rtuOverTcp = rtuOverTcp;
      return this;
    }

    /** Sets the word order of tags whose address names none; ABCD by default, like the driver. */
    public Builder wordOrder(WordOrder wordOrder) {
      this.wordOrder = Objects.requireNonNull(wordOrder, "wordOrder");
      return this;
    }

    /** Sets the clock that stamps recorded writes. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public ModbusSimulator build() {
      if (units.isEmpty()) throw new IllegalStateException("a simulator needs at least one unit");
      return new ModbusSimulator(this);
    }
  }
}
