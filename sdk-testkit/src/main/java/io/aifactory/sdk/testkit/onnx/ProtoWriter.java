package io.aifactory.sdk.testkit.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire format, just as much of it as ONNX models need: varints, fixed 32-bit floats,
 * length-delimited strings, bytes and nested messages, and packed repeated fields.
 *
 * <p>Field numbers are the caller's business; this class only knows how to encode. Nested messages are written
 * into their own writer first, so their length is known before the parent writes the length prefix.
 */
final class ProtoWriter {
  private static final int WIRE_VARINT = 0;
  private static final int WIRE_FIXED32 = 5;
  private static final int WIRE_LENGTH_DELIMITED = 2;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Writes {@code value} as a varint; negative values take ten bytes, as protobuf's int64 does. */
  ProtoWriter varint(long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return this;
  }

  private ProtoWriter tag(int field, int wireType) {
    if (field <= 0) {
      throw new IllegalArgumentException("field <= 0: " + field);
    }
    return varint(((long) field << 3) | wireType);
  }

  /** An int32, int64 or enum field. */
  ProtoWriter int64(int field, long value) {
    return tag(field, WIRE_VARINT).varint(value);
  }

  ProtoWriter float32(int field, float value) {
    tag(field, WIRE_FIXED32);
    writeFixed32(Float.floatToRawIntBits(value));
    return this;
  }

  ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  ProtoWriter bytes(int field, byte[] value) {
    tag(field, WIRE_LENGTH_DELIMITED).varint(value.length);
    out.write(value, 0, value.length);
    return this;
  }

  ProtoWriter message(int field, ProtoWriter nested) {
    return bytes(field, nested.toByteArray());
  }

  /** A packed repeated float field: one length prefix, then little-endian fixed32 values. */
  ProtoWriter packedFloats(int field, float[] values) {
    tag(field, WIRE_LENGTH_DELIMITED).varint(4L * values.length);
    for (float value : values) {
      writeFixed32(Float.floatToRawIntBits(value));
    }
    return this;
  }

  /** A packed repeated int64 (or int32) field: one length prefix, then varints. */
  ProtoWriter packedVarints(int field, long[] values) {
    ProtoWriter body = new ProtoWriter();
    for (long value : values) {
      body.varint(value);
    }
    return bytes(field, body.toByteArray());
  }

  private void writeFixed32(int bits) {
    out.write(bits & 0xFF);
    out.write((bits >>> 8) & 0xFF);
    out.write((bits >>> 16) & 0xFF);
    out.write((bits >>> 24) & 0xFF);
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
