package io.aifactory.sdk.modbus;

import java.util.Locale;

/**
 * How a value wider than one register is laid out over 16-bit registers. Letters name the value's bytes from most
 * to least significant ({@code A} first), in the order they appear on the wire.
 *
 * <p>For 64-bit values the same two rules apply to all four registers: word swap reverses the register order,
 * byte swap swaps the two bytes inside each register. On a 16-bit value only the byte swap has an effect.
 */
public enum WordOrder {
  /** Big-endian, the Modbus standard: high word first, high byte first. */
  ABCD(false, false),
  /** Word swap: low word first, each word big-endian (common on many PLCs). */
  CDAB(true, false),
  /** Byte swap: high word first, bytes inside each word swapped. */
  BADC(false, true),
  /** Little-endian: low word first, bytes swapped. */
  DCBA(true, true);

  private final boolean wordSwap;
  private final boolean byteSwap;

  WordOrder(boolean wordSwap, boolean byteSwap) {
    this.wordSwap = wordSwap;
    this.byteSwap = byteSwap;
  }

  /** Returns true if registers come low word first. */
  public boolean wordSwap() {
    return wordSwap;
  }

  /** Returns true if the bytes inside each register are swapped. */
  public boolean byteSwap() {
    return byteSwap;
  }

  /**
   * Parses {@code abcd}, {@code CDAB}, ... (case-insensitive).
   *
   * @throws IllegalArgumentException naming the text and the accepted orders
   */
  public static WordOrder parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown word order '" + text + "' (expected abcd, cdab, badc, dcba)");
    }
  }

  /** Returns the notation used in addresses, e.g. {@code cdab}. */
  public String notation() {
    return name().toLowerCase(Locale.ROOT);
  }
}
