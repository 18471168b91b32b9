package io.aifactory.sdk.inference.internal;

import java.nio.charset.StandardCharsets;

/**
 * The top-level fields of an ONNX {@code ModelProto} that ONNX Runtime's Java API does not expose
 * (IR version, producer version, default-domain opset), read straight from the protobuf bytes.
 *
 * <p>Only called after ONNX Runtime has accepted the model, so malformed input just ends the scan.
 */
final class ModelHeader {
  final long irVersion;
  final String producerVersion;
  final long opsetVersion;

  private ModelHeader(long irVersion, String producerVersion, long opsetVersion) {
    this.irVersion = irVersion;
    this.producerVersion = producerVersion;
    this.opsetVersion = opsetVersion;
  }

  static ModelHeader read(byte[] model) {
    long ir = 0;
    String producerVersion = "";
    long opset = 0;
    Reader r = new Reader(model, 0, model.length);
    try {
      while (r.hasMore()) {
        long tag = r.varint();
        int field = (int) (tag >>> 3);
        int wire = (int) (tag & 7);
        if (field == 1 && wire == 0) {
          ir = r.varint();
        } else if (field == 3 && wire == 2) {
          producerVersion = r.string();
        } else if (field == 8 && wire == 2) {
          long[] domainAndVersion = r.opset();
          if (domainAndVersion[0] == 0) {
            opset = domainAndVersion[1];
          }
        } else {
          r.skip(wire);
        }
      }
    } catch (RuntimeException e) {
      // Truncated or unexpected encoding: keep what was read.
    }
    return new ModelHeader(ir, producerVersion, opset);
  }

  private static final class Reader {
    private final byte[] data;
    private int pos;
    private final int end;

    Reader(byte[] data, int pos, int end) {
      this.data = data;
      this.pos = pos;
      this.end = end;
    }

    boolean hasMore() {
      return pos < end;
    }

    long varint() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new IllegalStateException("truncated varint");
        }
        byte b = data[pos++];
        result |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return result;
        }
      }
      throw new IllegalStateException("varint too long");
    }

    int length() {
      long length = varint();
      if (length < 0 || length > end - pos) {
        throw new IllegalStateException("bad length " + length);
      }
      return (int) length;
    }

    String string() {
      int length = length();
      String s = new String(data, pos, length, StandardCharsets.UTF_8);
      pos += length;
      return s;
    }

    /** Reads an OperatorSetIdProto; returns {0 for the default domain else 1, version}. */
    long[] opset() {
      int length = length();
      Reader nested = new Reader(data, pos, pos + length);
      pos += length;
      long domainNonEmpty = 0;
      long version = 0;
      while (nested.hasMore()) {
        long tag = nested.varint();
        int field = (int) (tag >>> 3);
        int wire = (int) (tag & 7);
        if (field == 1 && wire == 2) {
          String domain = nested.string();
          // "ai.onnx" is the default domain's other name.
          domainNonEmpty = domain.isEmpty() || domain.equals("ai.onnx") ? 0 : 1;
        } else if (field == 2 && wire == 0) {
          version = nested.varint();
        } else {
          nested.skip(wire);
        }
      }
      return new long[] {domainNonEmpty, version};
    }

    void skip(int wire) {
      switch (wire) {
        case 0:
          varint();
          break;
        case 1:
          pos += 8;
          break;
        case 2:
          int length = length(); // read before adding: length() advances pos
          pos += length;
          break;
        case 5:
          pos += 4;
          break;
        default:
          throw new IllegalStateException("wire type " + wire);
      }
    }
  }
}
