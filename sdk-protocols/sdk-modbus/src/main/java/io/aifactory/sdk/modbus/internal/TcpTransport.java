package io.aifactory.sdk.modbus.internal;

import io.aifactory.sdk.core.ProtocolException;
import java.io.IOException;

/** Modbus TCP: a 7-byte MBAP header (transaction id, protocol id 0, length, unit id) before each PDU. */
final class TcpTransport extends SocketTransport {
  private final byte[] frame = new byte[7 + 260];
  private final byte[] header = new byte[7];
  private int transactionId;
  /** The last transaction id whose reply was read (or waited for in vain); later ids were sent and are pending. */
  private int answeredUpTo;

  TcpTransport(String host, int port, int connectTimeoutMillis, long requestTimeoutNanos) {
    super(host, port, connectTimeoutMillis, requestTimeoutNanos);
  }

  @Override
  public int exchange(int unit, byte[] request, int requestLength, byte[] response) throws IOException {
    return receive(send(unit, request, requestLength), unit, response);
  }

  @Override
  public boolean canPipeline() {
    return true;
  }

  /** Returns true if {@code replyTid} was sent before {@code tid} and its reply never read: a reply that came late. */
  private boolean unanswered(int replyTid, int tid) {
    int age = (tid - replyTid) & 0xffff;
    int pending = (tid - answeredUpTo) & 0xffff;
    return age > 0 && age < pending;
  }

  @Override
  public int send(int unit, byte[] request, int requestLength) throws IOException {
    int tid = transactionId = (transactionId + 1) & 0xffff;
    frame[0] = (byte) (tid >> 8);
    frame[1] = (byte) tid;
    frame[2] = 0;
    frame[3] = 0;
    frame[4] = (byte) ((requestLength + 1) >> 8);
    frame[5] = (byte) (requestLength + 1);
    frame[6] = (byte) unit;
    System.arraycopy(request, 0, frame, 7, requestLength);
    if (out == null) throw new IOException("not connected to " + describe());
    out.write(frame, 0, 7 + requestLength);
    return tid;
  }

  @Override
  public int receive(int tid, int unit, byte[] response) throws IOException {
    startDeadline();
    readFully(header, 0, 7);
    int replyTid = ((header[0] & 0xff) << 8) | (header[1] & 0xff);
    int protocol = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
    int length = ((header[4] & 0xff) << 8) | (header[5] & 0xff);
    // A late reply to a request that timed out (a slow slave behind a gateway, the connection kept for the others):
    // skip it and keep waiting for ours.
    while (replyTid != tid && unanswered(replyTid, tid) && protocol == 0 && length >= 2 && length <= 254) {
      readFully(response, 0, length - 1);
      readFully(header, 0, 7);
      replyTid = ((header[0] & 0xff) << 8) | (header[1] & 0xff);
      protocol = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
      length = ((header[4] & 0xff) << 8) | (header[5] & 0xff);
    }
    answeredUpTo = tid;
    if (replyTid != tid) {
      throw new ProtocolException(describe() + ": reply has transaction id " + replyTid + ", expected " + tid);
    }
    if (protocol != 0) {
      throw new ProtocolException(describe() + ": reply has protocol id " + protocol + ", expected 0 (Modbus)");
    }
    if (length < 3 || length > 254) {
      throw new ProtocolException(describe() + ": reply length " + length + " is not in 3..254");
    }
    if ((header[6] & 0xff) != unit) {
      throw new ProtocolException(describe() + ": reply is from unit " + (header[6] & 0xff) + ", expected " + unit);
    }
    readFully(response, 0, length - 1);
    return length - 1;
  }
}
