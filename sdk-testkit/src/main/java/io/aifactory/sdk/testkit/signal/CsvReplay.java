package io.aifactory.sdk.testkit.signal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Recorded values replayed with linear interpolation; see {@link Signals#replay}. */
final class CsvReplay implements Signal {
  private final long[] times;
  private final double[] values;
  private final boolean loop;

  private CsvReplay(long[] times, double[] values, boolean loop) {
    this.times = times;
    this.values = values;
    this.loop = loop;
  }

  static Signal read(Reader in, String source, String column, boolean loop) throws IOException {
    BufferedReader reader = in instanceof BufferedReader ? (BufferedReader) in : new BufferedReader(in);
    String header = reader.readLine();
    if (header == null) throw new IllegalArgumentException(source + ": empty CSV file (expected a header like time,temperature)");
    List<String> names = Arrays.asList(split(header));
    int index = names.indexOf(column);
    if (index < 1) {
      throw new IllegalArgumentException(source + ": no value column '" + column + "' (the header has " + String.join(", ", names)
          + "; the first column is the time in seconds)");
    }
    List<long[]> rows = new ArrayList<>();
    List<Double> vals = new ArrayList<>();
    String line;
    int lineNo = 1;
    long previous = Long.MIN_VALUE;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      if (line.isBlank() || line.startsWith("#")) continue;
      String[] cells = split(line);
      if (cells.length <= index) throw new IllegalArgumentException(source + ":" + lineNo + ": expected " + names.size() + " columns, found " + cells.length);
      long t;
      double v;
      try {
        t = Math.round(Double.parseDouble(cells[0]) * 1e9);
        v = Double.parseDouble(cells[index]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(source + ":" + lineNo + ": expected numbers, found \"" + line + "\"");
      }
      if (t <= previous) throw new IllegalArgumentException(source + ":" + lineNo + ": times must increase, found " + cells[0] + " after an equal or later time");
      previous = t;
      rows.add(new long[] {t});
      vals.add(v);
    }
    if (rows.isEmpty()) throw new IllegalArgumentException(source + ": no data rows");
    long[] times = new long[rows.size()];
    double[] values = new double[rows.size()];
    for (int i = 0; i < times.length; i++) {
      times[i] = rows.get(i)[0];
      values[i] = vals.get(i);
    }
    return new CsvReplay(times, values, loop);
  }

  @Override
  public double valueAt(long nanos) {
    long first = times[0];
    long last = times[times.length - 1];
    long t = nanos;
    if (loop && t > last && last > first) t = first + Math.floorMod(t - first, last - first);
    if (t <= first) return values[0];
    if (t >= last) return values[values.length - 1];
    int i = Arrays.binarySearch(times, t);
    if (i >= 0) return values[i];
    int hi = -i - 1;
    int lo = hi - 1;
    double f = (double) (t - times[lo]) / (times[hi] - times[lo]);
    return values[lo] + f * (values[hi] - values[lo]);
  }

  private static String[] split(String line) {
    String[] cells = line.split(",", -1);
    for (int i = 0; i < cells.length; i++) cells[i] = cells[i].trim();
    return cells;
  }
}
