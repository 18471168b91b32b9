package io.aifactory.sdk.kafka.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How a Kafka record waits in the disk buffer: {@code topic index (1 byte), key length (2 bytes, big-endian), key,
 * value}. The topic is an index, not a name, so that renaming a topic in the configuration sends the waiting
 * records to the new name.
 */
public final class Frames {
  private Frames() {}

  /** One decoded frame. */
  public record Frame(int topic, byte[] key, byte[] value) {}

  public static byte[] encode(int topic, byte[] key, byte[] value) {
    if (key.length > 0xFFFF) throw new IllegalArgumentException("key.length > 65535: " + key.length);
    byte[] out = new byte[3 + key.length + value.length];
    out[0] = (byte) topic;
    out[1] = (byte) (key.length >>> 8);
    out[2] = (byte) key.length;
    System.arraycopy(key, 0, out, 3, key.length);
    System.arraycopy(value, 0, out, 3 + key.length, value.length);
    return out;
  }

  public static Frame decode(byte[] frame) {
    ByteBuffer b = ByteBuffer.wrap(frame);
    int topic = b.get() & 0xFF;
    int keyLength = b.getShort() & 0xFFFF;
    byte[] key = Arrays.copyOfRange(frame, 3, 3 + keyLength);
    byte[] value = Arrays.copyOfRange(frame, 3 + keyLength, frame.length);
    return new Frame(topic, key, value);
  }
}
