package io.aifactory.sdk.modbus.internal;

/** The CRC-16 of Modbus RTU frames (polynomial 0xA001 reflected, initial 0xFFFF), sent low byte first. */
public final class Crc16 {
  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int c = i;
      for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ 0xA001 : c >>> 1;
      TABLE[i] = c;
    }
  }

  private Crc16() {}

  /** Returns the CRC of {@code b[off, off + len)}. */
  public static int of(byte[] b, int off, int len) {
    int crc = 0xFFFF;
    for (int i = off; i < off + len; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ b[i]) & 0xff];
    return crc;
  }
}
