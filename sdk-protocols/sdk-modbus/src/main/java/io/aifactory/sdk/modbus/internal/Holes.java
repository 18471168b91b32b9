package io.aifactory.sdk.modbus.internal;

import io.aifactory.sdk.modbus.ModbusTable;
import java.util.BitSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What a device taught about its address space: addresses it refused with ILLEGAL_DATA_ADDRESS, remembered so that
 * later plans never bridge them (a refused tag is read on its own, a refused gap is not bridged again), and a version
 * that tells plans made before a lesson to be made again.
 *
 * <p>A value refused this way is asked again only rarely (after {@link #FIRST_RETRY_NANOS}, doubling up to
 * {@link #MAX_RETRY_NANOS}): a hole is usually for good (a tag list that does not match the PLC program), but a PLC
 * that gets a new program may fill it, and then the value comes back by itself.
 */
public final class Holes {
  static final long FIRST_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
  static final long MAX_RETRY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final ConcurrentHashMap<Integer, BitSet> byTable = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong();
  /** Per refused value (unit, table, from, to): {next retry, current delay}, in {@link #clock} nanoseconds. */
  private final ConcurrentHashMap<Range, long[]> retries = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  public Holes() {
    this(System::nanoTime);
  }

  Holes(LongSupplier nanoClock) {
    this.clock = nanoClock;
  }

  /** Returns a number that changes whenever a hole is added, so that plans know when to be made again. */
  public long version() {
    return version.get();
  }

  /** Marks {@code [from, to)} of a unit's table as a hole. */
  public void add(int unit, ModbusTable table, int from, int to) {
    if (to <= from) return;
    BitSet bits = byTable.computeIfAbsent(key(unit, table), k -> new BitSet());
    synchronized (bits) {
      if (bits.nextClearBit(from) >= to) return;
      bits.set(from, to);
    }
    version.incrementAndGet();
  }

  /**
   * Marks the value at {@code [from, to)} as refused (a hole) and schedules its next retry: the first after
   * {@link #FIRST_RETRY_NANOS}, each later one after twice the previous delay, at most {@link #MAX_RETRY_NANOS}.
   */
  public void refused(int unit, ModbusTable table, int from, int to) {
    add(unit, table, from, to);
    long now = clock.getAsLong();
    retries.compute(new Range(unit, table, from, to), (k, r) -> {
      long delay = r == null ? FIRST_RETRY_NANOS : Math.min(MAX_RETRY_NANOS, r[1] * 2);
      return new long[] {now + delay, delay};
    });
  }

  /**
   * Returns the nanoseconds until the refused value at {@code [from, to)} is due to be asked again, or 0 if it is
   * due now or was never refused on its own.
   */
  public long untilRetry(int unit, ModbusTable table, int from, int to) {
    long[] r = retries.get(new Range(unit, table, from, to));
    if (r == null) return 0;
    return Math.max(0, r[0] - clock.getAsLong());
  }

  /** Forgets the holes in {@code [from, to)}: the device answered for them, so plans may bridge them again. */
  public void answered(int unit, ModbusTable table, int from, int to) {
    retries.remove(new Range(unit, table, from, to));
    BitSet bits = byTable.get(key(unit, table));
    if (bits == null) return;
    synchronized (bits) {
      int next = bits.nextSetBit(from);
      if (next < 0 || next >= to) return;
      bits.clear(from, to);
    }
    version.incrementAndGet();
  }

  /** Makes every plan stale, e.g. after the device showed it takes fewer registers per request than planned. */
  public void invalidate() {
    version.incrementAndGet();
  }

  /** Returns true if any address of {@code [from, to)} is a hole. */
  public boolean any(int unit, ModbusTable table, int from, int to) {
    if (to <= from) return false;
    BitSet bits = byTable.get(key(unit, table));
    if (bits == null) return false;
    synchronized (bits) {
      int next = bits.nextSetBit(from);
      return next >= 0 && next < to;
    }
  }

  private static Integer key(int unit, ModbusTable table) {
    return unit * 4 + table.ordinal();
  }

  private static final class Range {
    final int unit;
    final ModbusTable table;
    final int from;
    final int to;

    Range(int unit, ModbusTable table, int from, int to) {
      this.unit = unit;
      this.table = table;
      this.from = from;
      this.to = to;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Range)) return false;
      Range r = (Range) o;
      return r.unit == unit && r.table == table && r.from == from && r.to == to;
    }

    @Override
    public int hashCode() {
      return ((unit * 4 + table.ordinal()) * 65537 + from) * 31 + to;
    }
  }
}
