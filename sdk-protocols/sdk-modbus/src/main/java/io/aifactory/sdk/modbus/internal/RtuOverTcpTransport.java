package io.aifactory.sdk.modbus.internal;

import io.aifactory.sdk.core.ProtocolException;
import java.io.IOException;

/**
 * RTU framing over TCP, as serial gateways speak it: unit id, PDU, CRC-16. RTU frames carry no length, so the
 * reply's length follows from its function code (and byte count).
 */
final class RtuOverTcpTransport extends SocketTransport {
  private final byte[] frame = new byte[260];

  RtuOverTcpTransport(String host, int port, int connectTimeoutMillis, long requestTimeoutNanos) {
    super(host, port, connectTimeoutMillis, requestTimeoutNanos);
  }

  @Override
  public int exchange(int unit, byte[] request, int requestLength, byte[] response) throws IOException {
    frame[0] = (byte) unit;
    System.arraycopy(request, 0, frame, 1, requestLength);
    int crc = Crc16.of(frame, 0, requestLength + 1);
    frame[requestLength + 1] = (byte) crc;
    frame[requestLength + 2] = (byte) (crc >> 8);
    startDeadline();
    if (out == null) throw new IOException("not connected to " + describe());
    // RTU frames carry no transaction id: a late reply of a slave that timed out can only be recognised as unasked.
    discardUnread();
    out.write(frame, 0, requestLength + 3);
    readFully(frame, 0, 3);
    int fc = frame[1] & 0xff;
    int rest;
    if ((fc & 0x80) != 0) {
      rest = 2;
    } else if (fc >= 1 && fc <= 4) {
      rest = (frame[2] & 0xff) + 2;
    } else if (fc == 5 || fc == 6 || fc == 15 || fc == 16) {
      rest = 5;
    } else if (fc == 22) {
      rest = 7;
    } else {
      throw new ProtocolException(describe() + ": reply has function code " + fc + ", which this client never sends");
    }
    readFully(frame, 3, rest);
    int total = 3 + rest;
    int expected = Crc16.of(frame, 0, total - 2);
    int found = (frame[total - 2] & 0xff) | ((frame[total - 1] & 0xff) << 8);
    if (expected != found) {
      throw new ProtocolException(describe() + String.format(": reply CRC 0x%04X, expected 0x%04X", found, expected));
    }
    if ((frame[0] & 0xff) != unit) {
      throw new ProtocolException(describe() + ": reply is from unit " + (frame[0] & 0xff) + ", expected " + unit);
    }
    System.arraycopy(frame, 1, response, 0, total - 3);
    return total - 3;
  }
}
