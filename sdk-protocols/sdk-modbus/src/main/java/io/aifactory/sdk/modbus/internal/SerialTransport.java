package io.aifactory.sdk.modbus.internal;

import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.ModbusIOException;
import com.ghgande.j2mod.modbus.ModbusSlaveException;
import com.ghgande.j2mod.modbus.io.ModbusSerialTransaction;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
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
 */
final class SerialTransport implements Transport {
  private final SerialParameters parameters;
  private final int timeoutMillis;
  private SerialConnection connection;
  private ModbusSerialTransaction transaction;

  SerialTransport(SerialParameters parameters, int timeoutMillis) {
    this.parameters = parameters;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void connect() throws IOException {
    SerialConnection c = new SerialConnection(parameters);
    c.setTimeout(timeoutMillis);
    c.open();
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
      throw new SocketTimeoutException("serial port " + describe() + ": " + e.getMessage());
    } catch (ModbusException e) {
      throw new ProtocolException("serial port " + describe() + ": " + e.getMessage(), e);
    }
    ModbusResponse res = transaction.getResponse();
    if (res == null) throw new ProtocolException("serial port " + describe() + ": no response");
    return toPdu(res, response);
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
