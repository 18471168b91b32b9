package io.aifactory.sdk.testkit.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProtoWriterTest {
  @Test
  void shouldEncodeVarintsAsProtobufDoes() {
    assertArrayEquals(new byte[] {0x00}, new ProtoWriter().varint(0).toByteArray());
    assertArrayEquals(new byte[] {0x01}, new ProtoWriter().varint(1).toByteArray());
    assertArrayEquals(new byte[] {(byte) 0xAC, 0x02}, new ProtoWriter().varint(300).toByteArray());
    byte[] minusOne = new ProtoWriter().varint(-1).toByteArray();
    assertEquals(10, minusOne.length);
    assertEquals(0x01, minusOne[9]);
  }

  @Test
  void shouldWriteTagsLengthsAndPackedFloatsLittleEndian() {
    // field 1 varint 150: the example from the protobuf encoding guide.
    assertArrayEquals(new byte[] {0x08, (byte) 0x96, 0x01}, new ProtoWriter().int64(1, 150).toByteArray());
    // field 2 string "testing".
    assertArrayEquals(new byte[] {0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'},
        new ProtoWriter().string(2, "testing").toByteArray());
    // field 4 packed floats {1.0f}: tag 0x22, length 4, 0x3F800000 little-endian.
    assertArrayEquals(new byte[] {0x22, 0x04, 0x00, 0x00, (byte) 0x80, 0x3F},
        new ProtoWriter().packedFloats(4, new float[] {1f}).toByteArray());
    // field 2 fixed32 float 1.0f: tag (2 << 3) | 5.
    assertArrayEquals(new byte[] {0x15, 0x00, 0x00, (byte) 0x80, 0x3F},
        new ProtoWriter().float32(2, 1f).toByteArray());
    // field 1 packed varints {3, 270}: tag 0x0A, length 3, 03 8E 02.
    assertArrayEquals(new byte[] {0x0A, 0x03, 0x03, (byte) 0x8E, 0x02},
        new ProtoWriter().packedVarints(1, new long[] {3, 270}).toByteArray());
  }
}
