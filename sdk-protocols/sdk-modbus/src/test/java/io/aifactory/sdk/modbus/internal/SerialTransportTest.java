package io.aifactory.sdk.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersResponse;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Serial RTU runs end to end over socat in the integration tests (ModbusSerialRtuTest, skipped without socat); this
 * checks, everywhere, the one thing our serial path adds to j2mod's: every request PDU the device sends survives the
 * trip through j2mod's request objects, and j2mod's responses come back as the PDUs the device parses.
 */
class SerialTransportTest {
  @Test
  void shouldHandEveryRequestTheDeviceSendsToJ2modUnchanged() throws IOException {
    int[][] requests = {
        {3, 0x00, 0x64, 0x00, 0x0A},                    // read holding registers
        {4, 0x00, 0x07, 0x00, 0x02},                    // read input registers
        {1, 0x00, 0x00, 0x00, 0x13},                    // read coils
        {2, 0x00, 0x03, 0x00, 0x01},                    // read discrete inputs
        {5, 0x00, 0x07, 0xFF, 0x00},                    // write single coil
        {6, 0x00, 0x0C, 0x12, 0x34},                    // write single register
        {15, 0x00, 0x14, 0x00, 0x0A, 0x02, 0x0D, 0x02}, // write multiple coils
        {16, 0x00, 0x64, 0x00, 0x02, 0x04, 0x00, 0x00, 0x41, 0xAC}, // write multiple registers
        {22, 0x01, 0xF4, 0xFF, 0xF7, 0x00, 0x08},       // mask write register
    };
    for (int[] r : requests) {
      byte[] pdu = bytes(r);
      ModbusRequest req = SerialTransport.toJ2modRequest(3, pdu, pdu.length);
      assertEquals(3, req.getUnitID());
      assertEquals(r[0], req.getFunctionCode());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(req.getFunctionCode());
      req.writeData(new DataOutputStream(out));
      assertArrayEquals(pdu, out.toByteArray(), "FC" + r[0]);
    }
  }

  @Test
  void shouldTurnJ2modsResponsesIntoThePdusTheDeviceParses() throws IOException {
    ModbusResponse res = new ReadMultipleRegistersResponse(new Register[] {new SimpleRegister(0x41AC), new SimpleRegister(0)});
    byte[] buffer = new byte[260];
    int len = SerialTransport.toPdu(res, buffer);
    assertArrayEquals(bytes(3, 4, 0x41, 0xAC, 0, 0), Arrays.copyOf(buffer, len));
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < b.length; i++) b[i] = (byte) values[i];
    return b;
  }
}
