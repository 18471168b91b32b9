package io.aifactory.sdk.modbus.internal;

import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.modbus.ModbusAddress;
import io.aifactory.sdk.modbus.ModbusTable;
import io.aifactory.sdk.modbus.WordOrder;
import java.util.List;

/**
 * How to read one list of tags: the merged spans to request, computed once and reused every cycle. The buffers
 * and per-tag scratch state belong to the device's I/O thread, which alone executes plans.
 */
public final class ReadPlan {
  final List<Tag> tagList;
  final Tag[] tags;
  final ModbusAddress[] addresses;
  final WordOrder[] orders;
  final int[] units;
  final Span[] spans;
  final long holesVersion;
  /** Per tag: the span it is read in. */
  final Span[] spanOf;
  /** Per tag: its quality in the cycle being executed (null = GOOD, decode from the span's buffer). */
  final Quality[] scratch;

  ReadPlan(List<Tag> tagList, ModbusAddress[] addresses, WordOrder[] orders, int[] units, Span[] spans, long holesVersion) {
    this.tagList = tagList;
    this.tags = tagList.toArray(new Tag[0]);
    this.addresses = addresses;
    this.orders = orders;
    this.units = units;
    this.spans = spans;
    this.holesVersion = holesVersion;
    this.spanOf = new Span[tags.length];
    for (Span s : spans) {
      for (int i : s.items) spanOf[i] = s;
    }
    this.scratch = new Quality[tags.length];
  }

  /** Returns the merged spans, in the order they are requested. */
  public Span[] spans() {
    return spans.clone();
  }

  /** Returns how many requests one cycle sends when nothing fails. */
  public int requestCount() {
    int n = 0;
    for (Span s : spans) n += s.requestCount();
    return n;
  }

  /** One contiguous range of a unit's table, read with one request, or several if one tag alone exceeds the limit. */
  public static final class Span {
    final int unit;
    final ModbusTable table;
    final int start;
    final int count;
    final int limit;
    /** Registers or bits per request: the limit, or less so that no element of the value is split between requests. */
    final int chunk;
    final int[] items;
    /** Registers as wire bytes, or packed bits, of the whole span. */
    final byte[] buffer;

    Span(int unit, ModbusTable table, int start, int count, int limit, int step, int[] items) {
      this.unit = unit;
      this.table = table;
      this.start = start;
      this.count = count;
      this.limit = limit;
      this.chunk = RequestPlanner.chunk(count, limit, step);
      this.items = items;
      this.buffer = new byte[table.isBits() ? (count + 7) / 8 + 1 : count * 2];
    }

    public int unit() {
      return unit;
    }

    public ModbusTable table() {
      return table;
    }

    public int start() {
      return start;
    }

    public int count() {
      return count;
    }

    /** Returns the indexes, into the plan's tag list, of the tags read in this span. */
    public int[] items() {
      return items.clone();
    }

    public int requestCount() {
      return (count + chunk - 1) / chunk;
    }

    @Override
    public String toString() {
      return "unit " + unit + " " + table.notation() + ":" + start + " ×" + count + " (" + items.length + " tags)";
    }
  }
}
