package io.aifactory.sdk.modbus.internal;

import io.aifactory.sdk.modbus.ModbusTable;
import java.util.BitSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a device taught about its address space: addresses it refused with ILLEGAL_DATA_ADDRESS, remembered so that
 * later plans never bridge them (a refused tag is read on its own, a refused gap is not bridged again), and a version
 * that tells plans made before a lesson to be made again.
 */
public final class Holes {
  private final ConcurrentHashMap<Integer, BitSet> byTable = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong();

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
}
