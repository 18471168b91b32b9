package io.aifactory.sdk.modbus.internal;

import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.modbus.ModbusAddress;
import io.aifactory.sdk.modbus.ModbusTable;
import io.aifactory.sdk.modbus.WordOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Merges tags into as few requests as the limits allow: grouped by unit and table, sorted by address, bridging
 * gaps of up to {@code maxGap} registers (or {@code 16 × maxGap} bits), never bridging a known hole.
 */
public final class RequestPlanner {
  private final int maxRegisters;
  private final int maxBits;
  private final int maxGap;

  /**
   * @param maxRegisters registers per request, 1..125
   * @param maxBits bits per request, 1..2000
   * @param maxGap unused registers a merged request may span, 0 to merge only adjacent tags
   */
  public RequestPlanner(int maxRegisters, int maxBits, int maxGap) {
    if (maxRegisters < 1 || maxRegisters > 125) throw new IllegalArgumentException("maxRegisters not in 1..125: " + maxRegisters);
    if (maxBits < 1 || maxBits > 2000) throw new IllegalArgumentException("maxBits not in 1..2000: " + maxBits);
    if (maxGap < 0) throw new IllegalArgumentException("maxGap < 0: " + maxGap);
    this.maxRegisters = maxRegisters;
    this.maxBits = maxBits;
    this.maxGap = maxGap;
  }

  /** Plans reads of {@code tags}, whose addresses are already parsed. */
  public ReadPlan plan(List<Tag> tags, ModbusAddress[] addresses, WordOrder[] orders, int[] units, Holes holes) {
    long version = holes.version();
    Integer[] order = new Integer[tags.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, Comparator.<Integer>comparingInt(i -> units[i])
        .thenComparing(i -> addresses[i].table())
        .thenComparingInt(i -> addresses[i].offset())
        .thenComparingInt(i -> addresses[i].end()));
    List<ReadPlan.Span> spans = new ArrayList<>();
    List<Integer> items = new ArrayList<>();
    int unit = -1;
    ModbusTable table = null;
    int start = 0;
    int end = 0;
    boolean solitary = false;
    for (int i : order) {
      ModbusAddress a = addresses[i];
      int limit = a.table().isBits() ? maxBits : maxRegisters;
      int gapLimit = a.table().isBits() ? maxGap * 16 : maxGap;
      boolean hole = holes.any(units[i], a.table(), a.offset(), a.end());
      boolean fits = !items.isEmpty() && units[i] == unit && a.table() == table && !solitary && !hole
          && a.offset() - end <= gapLimit
          && Math.max(end, a.end()) - start <= limit
          && !holes.any(unit, table, end, a.offset());
      if (fits) {
        items.add(i);
        end = Math.max(end, a.end());
        continue;
      }
      if (!items.isEmpty()) spans.add(span(unit, table, start, end, items, addresses));
      items.clear();
      items.add(i);
      unit = units[i];
      table = a.table();
      start = a.offset();
      end = a.end();
      solitary = hole || a.width() > limit;
    }
    if (!items.isEmpty()) spans.add(span(unit, table, start, end, items, addresses));
    return new ReadPlan(tags, addresses, orders, units, spans.toArray(new ReadPlan.Span[0]), version);
  }

  private ReadPlan.Span span(int unit, ModbusTable table, int start, int end, List<Integer> items, ModbusAddress[] addresses) {
    int[] idx = items.stream().mapToInt(Integer::intValue).toArray();
    // Only a tag wider than the limit is split, and it is alone in its span: split it between its elements.
    int step = idx.length == 1 ? elementWidth(addresses[idx[0]]) : 1;
    return new ReadPlan.Span(unit, table, start, end - start, table.isBits() ? maxBits : maxRegisters, step, idx);
  }

  /**
   * Returns the registers (or bits) of one element of {@code a}'s value: a value is never split between two requests
   * below this width, or its halves could come from different PLC scans. A string counts as one element.
   */
  static int elementWidth(ModbusAddress a) {
    if (a.table().isBits() || a.dataType() == null || a.bit() >= 0) return 1;
    switch (a.dataType().kind()) {
      case STRING: return a.width();
      case BOOL: return 1;
      default: return Math.max(1, a.dataType().kind().bits() / 16);
    }
  }

  /** Returns how many registers (or bits) each request of a {@code count}-long read takes, at most {@code limit} unless one element is wider. */
  static int chunk(int count, int limit, int step) {
    if (count <= limit) return count;
    return Math.max(step, limit - limit % step);
  }
}
