package io.aifactory.sdk.modbus.internal;

import io.aifactory.sdk.core.DeviceException;
import io.aifactory.sdk.core.DeviceTimeoutException;
import io.aifactory.sdk.core.ProtocolException;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.modbus.ModbusAddress;
import io.aifactory.sdk.modbus.ModbusCodec;
import io.aifactory.sdk.modbus.ModbusDeviceException;
import io.aifactory.sdk.modbus.ModbusExceptionCode;
import io.aifactory.sdk.modbus.ModbusTable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path of a {@link ModbusDevice}: it writes one tag's encoded value on the device's current connection
 * with the function the tag and the device call for (FC05/FC15 for coils; FC06, FC16 or FC22 mask write, falling back
 * to FC16 and read-modify-write once the device refuses FC06 or FC22), checks each reply's echo, reads the value back
 * when {@code verifyWrites} is set, and maps failures to the exceptions the write's future fails with. It does not own
 * the connection: it sends through {@link ModbusConnection} (reads through {@link ModbusReader#fetch}), and a failure
 * that drops the connection is {@link ModbusConnection#failed handed} to it.
 *
 * <p>Threading: I/O thread only, like the fallback flags it keeps.
 */
final class ModbusWriter {
  // The device's logger, so that log categories stay what they were before the device was split.
  private static final Logger log = LoggerFactory.getLogger(ModbusDevice.class);

  private final URI uri;
  private final ModbusSettings settings;
  private final ModbusConnection connection;
  private final ModbusReader reader;

  // I/O thread only
  /** The device answered ILLEGAL_FUNCTION to FC22 (mask write) or FC06 (write single register): avoid them. */
  private boolean noMaskWrite;
  private boolean noSingleWrite;

  ModbusWriter(ModbusSettings settings, ModbusConnection connection, ModbusReader reader) {
    this.uri = settings.uri;
    this.settings = settings;
    this.connection = connection;
    this.reader = reader;
  }

  /** Writes {@code image}, the encoded {@code value} of {@code tag} at {@code a}; I/O thread only. */
  void write(Tag tag, ModbusAddress a, Object value, byte[] image) {
    int unit = a.unit(settings.unit);
    String what = "write of tag '" + tag.name() + "' to " + a;
    if (connection.transport() == null) throw new DeviceException(what + " failed: no connection to " + uri);
    try {
      if (a.table().isBits()) {
        writeBits(unit, a, image, what);
      } else {
        writeRegisters(unit, a, image, what);
      }
      if (settings.verifyWrites) verify(unit, tag, a, image, what);
    } catch (ModbusDeviceException e) {
      throw new ModbusDeviceException(connection.describe(unit) + " refused " + what, e.code());
    } catch (SocketTimeoutException e) {
      connection.failed(unit, e);
      throw new DeviceTimeoutException(what + ": " + e.getMessage(), e);
    } catch (ProtocolException e) {
      connection.lost(e);
      throw new ProtocolException(what + ": " + e.getMessage(), e);
    } catch (IOException e) {
      connection.lost(e);
      throw new DeviceException(what + " failed: " + e.getMessage(), e);
    }
  }

  private void writeBits(int unit, ModbusAddress a, byte[] image, String what) throws IOException {
    byte[] request = connection.request;
    int addr = a.offset();
    if (!a.dataType().isArray()) {
      request[0] = 5;
      request[1] = (byte) (addr >> 8);
      request[2] = (byte) addr;
      request[3] = (byte) (ModbusCodec.bit(image, 0) ? 0xFF : 0x00);
      request[4] = 0;
      checkEcho(connection.transact(unit, 5, what), 5, unit, what);
      return;
    }
    int count = a.width();
    for (int done = 0; done < count; done += 1968) {
      int n = Math.min(1968, count - done);
      int at = addr + done;
      int bytes = (n + 7) / 8;
      request[0] = 15;
      request[1] = (byte) (at >> 8);
      request[2] = (byte) at;
      request[3] = (byte) (n >> 8);
      request[4] = (byte) n;
      request[5] = (byte) bytes;
      Arrays.fill(request, 6, 6 + bytes, (byte) 0);
      for (int i = 0; i < n; i++) {
        if (ModbusCodec.bit(image, done + i)) request[6 + i / 8] |= (byte) (1 << (i & 7));
      }
      checkEcho(connection.transact(unit, 6 + bytes, what), 5, unit, what);
    }
  }

  /**
   * Writes registers: one with FC06 and more with FC16, or all with FC16 under {@code writeFunction=fc16} or once the
   * device answered FC06 with ILLEGAL_FUNCTION. A bit of a register with FC22, which changes it atomically on the
   * device; under {@code writeFunction=fc16}, or once the device answered FC22 with ILLEGAL_FUNCTION, by reading the
   * register and writing it back, which is not atomic: a change the PLC makes to another bit of that register in
   * between is lost.
   */
  private void writeRegisters(int unit, ModbusAddress a, byte[] image, String what) throws IOException {
    int addr = a.offset();
    if (a.bit() >= 0) {
      int bit = ((((image[0] & 0xff) << 8) | (image[1] & 0xff)) >> a.bit()) & 1;
      if (!settings.fc16Writes && !noMaskWrite) {
        try {
          maskWrite(unit, addr, a.bit(), bit, what);
          return;
        } catch (ModbusDeviceException e) {
          if (e.code() != ModbusExceptionCode.ILLEGAL_FUNCTION.code()) throw e;
          noMaskWrite = true;
          log.info("{} does not support FC22 (mask write register); writing bits of registers by read-modify-write from now on", uri);
        }
      }
      byte[] word = new byte[2];
      reader.fetch(unit, ModbusTable.HOLDING_REGISTER, addr, 1, 1, word, 0);
      int v = ((word[0] & 0xff) << 8) | (word[1] & 0xff);
      v = bit != 0 ? v | (1 << a.bit()) : v & ~(1 << a.bit());
      word[0] = (byte) (v >> 8);
      word[1] = (byte) v;
      writeWords(unit, addr, word, 1, 1, what);
      return;
    }
    writeWords(unit, addr, image, a.width(), RequestPlanner.elementWidth(a), what);
  }

  private void maskWrite(int unit, int addr, int bit, int value, String what) throws IOException {
    byte[] request = connection.request;
    int and = ~(1 << bit) & 0xffff;
    int or = value << bit;
    request[0] = 22;
    request[1] = (byte) (addr >> 8);
    request[2] = (byte) addr;
    request[3] = (byte) (and >> 8);
    request[4] = (byte) and;
    request[5] = (byte) (or >> 8);
    request[6] = (byte) or;
    checkEcho(connection.transact(unit, 7, what), 7, unit, what);
  }

  /** Writes {@code count} registers; a value written in several requests is split only between its elements. */
  private void writeWords(int unit, int addr, byte[] image, int count, int step, String what) throws IOException {
    byte[] request = connection.request;
    if (count == 1 && !settings.fc16Writes && !noSingleWrite) {
      request[0] = 6;
      request[1] = (byte) (addr >> 8);
      request[2] = (byte) addr;
      request[3] = image[0];
      request[4] = image[1];
      try {
        checkEcho(connection.transact(unit, 5, what), 5, unit, what);
        return;
      } catch (ModbusDeviceException e) {
        if (e.code() != ModbusExceptionCode.ILLEGAL_FUNCTION.code()) throw e;
        noSingleWrite = true;
        log.info("{} does not support FC06 (write single register); writing single registers with FC16 from now on", uri);
      }
    }
    int chunk = RequestPlanner.chunk(count, 123, step);
    for (int done = 0; done < count; done += chunk) {
      int n = Math.min(chunk, count - done);
      int at = addr + done;
      request[0] = 16;
      request[1] = (byte) (at >> 8);
      request[2] = (byte) at;
      request[3] = (byte) (n >> 8);
      request[4] = (byte) n;
      request[5] = (byte) (n * 2);
      System.arraycopy(image, done * 2, request, 6, n * 2);
      checkEcho(connection.transact(unit, 6 + n * 2, what), 5, unit, what);
    }
  }

  private void checkEcho(int len, int expected, int unit, String what) {
    byte[] request = connection.request;
    byte[] response = connection.response;
    if (len != expected) {
      throw new ProtocolException(connection.describe(unit) + ": reply to " + what + " has " + len + " bytes, expected " + expected);
    }
    int echoed = ((response[1] & 0xff) << 8) | (response[2] & 0xff);
    int sent = ((request[1] & 0xff) << 8) | (request[2] & 0xff);
    if (echoed != sent) {
      throw new ProtocolException(connection.describe(unit) + ": reply to " + what + " echoes address " + echoed + ", expected " + sent);
    }
  }

  private void verify(int unit, Tag tag, ModbusAddress a, byte[] image, String what) throws IOException {
    int width = a.width();
    byte[] back = new byte[a.table().isBits() ? (width + 7) / 8 + 1 : width * 2];
    int limit = reader.limit(a.table());
    reader.fetch(unit, a.table(), a.offset(), width, RequestPlanner.chunk(width, limit, RequestPlanner.elementWidth(a)), back, 0);
    boolean same = true;
    if (a.table().isBits()) {
      for (int i = 0; i < width; i++) same &= ModbusCodec.bit(back, i) == ModbusCodec.bit(image, i);
    } else if (a.bit() >= 0) {
      int wrote = (((image[0] & 0xff) << 8) | (image[1] & 0xff)) >> a.bit() & 1;
      int read = (((back[0] & 0xff) << 8) | (back[1] & 0xff)) >> a.bit() & 1;
      same = wrote == read;
    } else {
      same = Arrays.equals(back, image);
    }
    if (!same) {
      throw new DeviceException(what + " did not stick: read back " + hex(back) + ", wrote " + hex(image));
    }
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < b.length; i++) s.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xff));
    return s.append(']').toString();
  }
}
