package io.aifactory.sdk.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class Crc16Test {
  @Test
  void shouldMatchThePublishedCrcOfAReadHoldingRegistersRequest() {
    // The frame 01 03 00 00 00 0A is sent with CRC bytes C5 CD (low byte first), as in the Modbus serial guide.
    byte[] frame = {0x01, 0x03, 0x00, 0x00, 0x00, 0x0A};
    int crc = Crc16.of(frame, 0, frame.length);
    assertEquals(0xC5, crc & 0xff);
    assertEquals(0xCD, crc >> 8);
  }
}
