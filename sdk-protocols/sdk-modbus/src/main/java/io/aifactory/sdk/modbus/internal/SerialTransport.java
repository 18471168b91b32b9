package io.aifactory.sdk.modbus.internal;

import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.ModbusIOException;
import com.ghgande.j2mod.modbus.ModbusSlaveException;
import com.ghgande.j2mod.modbus.io.ModbusSerialTransaction;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import com.ghgande.j2mod.modbus.net.AbstractSerialConnection;
import com.ghgande.j2mod.modbus.net.SerialConnection;
import com.ghgande.j2mod.modbus.util.SerialParameters;
import io.aifactory.sdk.core.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.net.SocketTimeoutException;

/**
 * Serial RTU through j2mod's serial layer (jSerialComm): our request PDU is parsed into j2mod's request object,
 * executed by a j2mod transaction, and its response written back as a PDU, so the device above sees the same
 * contract as over TCP. j2mod's own retries are off: the device decides what a failure means.
 *
 * <p>A timeout (a silent slave) leaves the port open ({@link #survivesTimeout()}); a port that failed or vanished is
 * an {@link IOException}, hence DISCONNECTED, although j2mod reports both as the same {@code ModbusIOException}.
 */
final class SerialTransport implements Transport {
  private final SerialParameters parameters;
  private final int timeoutMillis;
  /** Volatile: close() may run on another thread (the device's close, the watchdog). */
  private volatile SerialConnection connection;
  private ModbusSerialTransaction transaction;

  SerialTransport(SerialParameters parameters, int timeoutMillis) {
    this.parameters = parameters;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void connect() throws IOException {
    SerialConnection c = new SerialConnection(parameters);
    c.setTimeout(timeoutMillis);
    try {
      c.open();
    } catch (RuntimeException e) {
      // jSerialComm refuses a path that does not exist with an unchecked exception; it is a port that cannot be
      // opened like any other.
      throw new IOException("serial port " + describe() + " cannot be opened: " + e.getMessage(), e);
    }
    connection = c;
    transaction = new ModbusSerialTransaction(c);
    transaction.setRetries(0);
  }

  @Override
  public int exchange(int unit, byte[] request, int requestLength, byte[] response) throws IOException {
    if (transaction == null) throw new IOException("serial port " + describe() + " is not open");
    int fc = request[0] & 0xff;
    transaction.setRequest(toJ2modRequest(unit, request, requestLength));
    try {
      transaction.execute();
    } catch (ModbusSlaveException e) {
      response[0] = (byte) (fc | 0x80);
      response[1] = (byte) e.getType();
      return 2;
    } catch (ModbusIOException e) {
      // j2mod reports a silent slave and a port that failed alike; only the port's state tells them apart.
      if (portGone(connection)) throw new IOException("serial port " + describe() + " failed or vanished: " + e.getMessage(), e);
      throw new SocketTimeoutException("serial port " + describe() + ": " + e.getMessage());
    } catch (ModbusException e) {
      throw new ProtocolException("serial port " + describe() + ": " + e.getMessage(), e);
    }
    ModbusResponse res = transaction.getResponse();
    if (res == null) throw new ProtocolException("serial port " + describe() + ": no response");
    return toPdu(res, response);
  }

  /**
   * Returns true if the port no longer works: closed (by us, or by j2mod when jSerialComm saw it disconnected, after
   * which j2mod's attempt to reopen it failed), or failing to report its input (jSerialComm's -1: a USB adapter
   * pulled, a pseudo-terminal whose other end closed). A port that merely received nothing reports 0.
   */
  static boolean portGone(AbstractSerialConnection c) {
    try {
      return c == null || !c.isOpen() || c.bytesAvailable() < 0;
    } catch (RuntimeException e) {
      return true;
    }
  }

  @Override
  public boolean survivesTimeout() {
    return true;
  }

  /** Returns j2mod's request object for our request PDU (function code first). */
  static ModbusRequest toJ2modRequest(int unit, byte[] request, int requestLength) throws IOException {
    ModbusRequest req = ModbusRequest.createModbusRequest(request[0] & 0xff);
    req.readData(new DataInputStream(new ByteArrayInputStream(request, 1, requestLength - 1)));
    req.setUnitID(unit);
    return req;
  }

  /** Writes j2mod's response as our response PDU (function code first) into {@code response}; returns its length. */
  static int toPdu(ModbusResponse res, byte[] response) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(res.getFunctionCode());
    res.writeData(new DataOutputStream(bytes));
    byte[] pdu = bytes.toByteArray();
    System.arraycopy(pdu, 0, response, 0, pdu.length);
    return pdu.length;
  }

  @Override
  public String describe() {
    return parameters.getPortName();
  }

  @Override
  public void close() {
    SerialConnection c = connection;
    connection = null;
    transaction = null;
    if (c != null) c.close();
  }
}
