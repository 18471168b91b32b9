package io.aifactory.sdk.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ghgande.j2mod.modbus.net.SerialConnection;
import org.junit.jupiter.api.Test;

/**
 * j2mod reports a silent slave and a failed port with the same exception; the port's own state tells which it was
 * (end to end over a pseudo-terminal pair in the integration tests' ModbusSerialRtuTest).
 */
class SerialPortGoneTest {
  @Test
  void shouldTellASilentSlaveFromAPortThatFailed() {
    assertFalse(SerialTransport.portGone(port(true, 0)), "open, nothing received: a silent slave");
    assertFalse(SerialTransport.portGone(port(true, 3)), "open, stray bytes: still a port");
    assertTrue(SerialTransport.portGone(port(true, -1)), "open but cannot say what it holds: failed");
    assertTrue(SerialTransport.portGone(port(false, 0)), "closed (jSerialComm saw it disconnect)");
    assertTrue(SerialTransport.portGone(null), "closed by us");
  }

  private static SerialConnection port(boolean open, int available) {
    return new SerialConnection() {
      @Override
      public synchronized boolean isOpen() {
        return open;
      }

      @Override
      public int bytesAvailable() {
        return available;
      }
    };
  }
}
