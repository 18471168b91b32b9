package io.aifactory.sdk.inference.internal;

import java.nio.charset.StandardCharsets;

/**
 * The top-level fields of an ONNX {@code ModelProto} that ONNX Runtime's Java API does not expose
 * (IR version, producer version, default-domain opset, whether model_version is present), read straight from the protobuf bytes.
 *
 * <p>Only called after ONNX Runtime has accepted the model, so malformed input just ends the scan.
 */
final class ModelHeader {
  final long irVersion;
  final String producerVersion;
  final long opsetVersion;
  /** Empty if the file has no {@code model_version} field; ONNX Runtime reports that as Long.MAX_VALUE. */
  final java.util.OptionalLong modelVersion;

  private ModelHeader(long irVersion, String producerVersion, long opsetVersion, java.util.OptionalLong modelVersion) {
    this.irVersion = irVersion;
    this.producerVersion = producerVersion;
    this.opsetVersion = opsetVersion;
    this.modelVersion = modelVersion;
  }

  static ModelHeader read(byte[] model) {
    try {
      return read(new java.io.ByteArrayInputStream(model));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // a byte array does not fail to read
    }
  }

  /**
   * Reads the header from {@code in} and consumes the stream to its end, skipping the graph by reading through it
   * in small chunks: the caller may be hashing every byte as it passes, and the graph may be gigabytes.
   */
  static ModelHeader read(java.io.InputStream in) throws java.io.IOException {
    long ir = 0;
    String producerVersion = "";
    long opset = 0;
    java.util.OptionalLong modelVersion = java.util.OptionalLong.empty();
    StreamReader r = new StreamReader(in);
    try {
      long tag;
      while ((tag = r.tagOrEnd()) >= 0) {
        int field = (int) (tag >>> 3);
        int wire = (int) (tag & 7);
        if (field == 1 && wire == 0) {
          ir = r.varint();
        } else if (field == 5 && wire == 0) {
          modelVersion = java.util.OptionalLong.of(r.varint());
        } else if (field == 3 && wire == 2) {
          producerVersion = new String(r.smallBytes(), StandardCharsets.UTF_8);
        } else if (field == 8 && wire == 2) {
          byte[] entry = r.smallBytes();
          long[] domainAndVersion = new Reader(entry, 0, entry.length).opset(entry.length);
          if (domainAndVersion[0] == 0) {
            opset = domainAndVersion[1];
          }
        } else {
          r.skip(wire);
        }
      }
    } catch (IllegalStateException | java.io.EOFException e) {
      // Truncated or unexpected encoding: keep what was read.
    }
    r.drain();
    return new ModelHeader(ir, producerVersion, opset, modelVersion);
  }

  /** Protobuf varints and skips over a stream, never holding more than a small field in memory. */
  private static final class StreamReader {
    /** Longer header strings than this are not real producer versions or opsets: skipped, not held. */
    private static final int MAX_SMALL = 1 << 16;
    private final java.io.InputStream in;
    private final byte[] scratch = new byte[8192];

    StreamReader(java.io.InputStream in) {
      this.in = in;
    }

    /** Returns the next field's tag, or -1 at the end of the stream. */
    long tagOrEnd() throws java.io.IOException {
      int b = in.read();
      return b < 0 ? -1 : varint(b);
    }

    long varint() throws java.io.IOException {
      return varint(next());
    }

    private long varint(int first) throws java.io.IOException {
      long result = first & 0x7F;
      int b = first;
      for (int shift = 7; (b & 0x80) != 0; shift += 7) {
        if (shift >= 64) {
          throw new IllegalStateException("varint too long");
        }
        b = next();
        result |= (long) (b & 0x7F) << shift;
      }
      return result;
    }

    private int next() throws java.io.IOException {
      int b = in.read();
      if (b < 0) {
        throw new java.io.EOFException("truncated varint");
      }
      return b;
    }

    byte[] smallBytes() throws java.io.IOException {
      long length = varint();
      if (length < 0 || length > MAX_SMALL) {
        skipBytes(length);
        throw new IllegalStateException("header field of " + length + " bytes");
      }
      byte[] bytes = in.readNBytes((int) length);
      if (bytes.length != length) {
        throw new java.io.EOFException("truncated field");
      }
      return bytes;
    }

    void skip(int wire) throws java.io.IOException {
      switch (wire) {
        case 0:
          varint();
          break;
        case 1:
          skipBytes(8);
          break;
        case 2:
          skipBytes(varint());
          break;
        case 5:
          skipBytes(4);
          break;
        default:
          throw new IllegalStateException("wire type " + wire);
      }
    }

    /** Skips by reading (InputStream.skip may bypass a digesting stream underneath). */
    private void skipBytes(long n) throws java.io.IOException {
      if (n < 0) {
        throw new IllegalStateException("bad length " + n);
      }
      for (long left = n; left > 0; ) {
        int read = in.read(scratch, 0, (int) Math.min(scratch.length, left));
        if (read < 0) {
          throw new java.io.EOFException("truncated field");
        }
        left -= read;
      }
    }

    void drain() throws java.io.IOException {
      while (in.read(scratch) >= 0) {
        // every byte must pass through the caller's digest
      }
    }
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

    /** Reads an OperatorSetIdProto of {@code length} bytes; returns {0 for the default domain else 1, version}. */
    long[] opset(int length) {
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
