package io.aifactory.sdk.sparkplug.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One DDATA message to be, as it waits in the outbox: the device, the metrics' names, values, qualities and
 * timestamps, and the session it was made in. It holds no seq, alias or historical flag: those are only known when
 * it is sent (a record may be sent in a later session, or after a restart with other aliases).
 *
 * <p>Format (big-endian, {@link DataOutputStream}): version byte 1, session epoch (long, 0 when made offline), device
 * (UTF), count (short), then per metric: name (UTF), quality code (int), time in ms since the epoch (long), a value
 * tag (0 null, 1 boolean, 2 long, 3 double, 4 string) and the value.
 */
public final class DataRecord {
  private static final byte VERSION = 1;

  private final long epoch;
  private final String device;
  private final List<Entry> entries;

  public DataRecord(long epoch, String device, List<Entry> entries) {
    this.epoch = epoch;
    this.device = device;
    this.entries = List.copyOf(entries);
  }

  /** Returns the session the record was made in while online, or 0 if it was made offline. */
  public long epoch() {
    return epoch;
  }

  public String device() {
    return device;
  }

  public List<Entry> entries() {
    return entries;
  }

  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + 32 * entries.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeLong(epoch);
      out.writeUTF(device);
      out.writeShort(entries.size());
      for (Entry e : entries) {
        out.writeUTF(e.metric);
        out.writeInt(e.quality);
        out.writeLong(e.timeMillis);
        Object v = e.value;
        if (v == null) {
          out.writeByte(0);
        } else if (v instanceof Boolean) {
          out.writeByte(1);
          out.writeBoolean((Boolean) v);
        } else if (v instanceof Long) {
          out.writeByte(2);
          out.writeLong((Long) v);
        } else if (v instanceof Double) {
          out.writeByte(3);
          out.writeDouble((Double) v);
        } else {
          out.writeByte(4);
          out.writeUTF(v.toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes a record.
   *
   * @throws IllegalArgumentException if the bytes are not a record of a known version
   */
  public static DataRecord decode(byte[] payload) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IllegalArgumentException("record version " + version + ", expected " + VERSION);
      }
      long epoch = in.readLong();
      String device = in.readUTF();
      int n = in.readUnsignedShort();
      List<Entry> entries = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String metric = in.readUTF();
        int quality = in.readInt();
        long time = in.readLong();
        int tag = in.readUnsignedByte();
        Object value;
        switch (tag) {
          case 0:
            value = null;
            break;
          case 1:
            value = in.readBoolean();
            break;
          case 2:
            value = in.readLong();
            break;
          case 3:
            value = in.readDouble();
            break;
          case 4:
            value = in.readUTF();
            break;
          default:
            throw new IllegalArgumentException("unknown value tag " + tag + " of metric '" + metric + "'");
        }
        entries.add(new Entry(metric, value, quality, time));
      }
      return new DataRecord(epoch, device, entries);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated record of " + payload.length + " bytes", e);
    }
  }

  /** One metric's value in a record. */
  public static final class Entry {
    private final String metric;
    private final Object value;
    private final int quality;
    private final long timeMillis;

    /** @param value Boolean, Long, Double or String, or null when there is no value (BAD) */
    public Entry(String metric, Object value, int quality, long timeMillis) {
      this.metric = metric;
      this.value = value;
      this.quality = quality;
      this.timeMillis = timeMillis;
    }

    public String metric() {
      return metric;
    }

    public Object value() {
      return value;
    }

    public int quality() {
      return quality;
    }

    public long timeMillis() {
      return timeMillis;
    }
  }
}
