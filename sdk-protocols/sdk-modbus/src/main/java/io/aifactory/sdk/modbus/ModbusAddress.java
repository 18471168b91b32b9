package io.aifactory.sdk.modbus;

import io.aifactory.sdk.core.AddressException;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Tag;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a tag lives on a Modbus device, parsed from the address notation shared by the driver and the simulator.
 *
 * <h2>Notation</h2>
 * <pre>
 *   table:N[.bit][:type][:wordorder][@unit]      N is the 0-based protocol address (what goes on the wire)
 *   MODICON[.bit][:type][:wordorder][@unit]      5 or 6 digits, 1-based, the first digit names the table
 * </pre>
 * Tables: {@code coil}, {@code discrete}, {@code input}, {@code holding}. Examples: {@code holding:100:float32:cdab},
 * {@code input:7:int32:abcd}, {@code holding:12:uint16}, {@code holding:10.3} (bit 3, 0 = least significant, of
 * holding register 10), {@code holding:200:string[16]} (16 bytes, two per register, high byte first),
 * {@code holding:300:float32[64]}, {@code coil:7}.
 *
 * <h2>0-based or 1-based</h2>
 * After a table name the number is the <b>0-based protocol address</b>: {@code holding:0} is the first holding
 * register. A bare Modicon number is <b>1-based</b> and its first digit is the table: {@code 40001} = holding:0,
 * {@code 30001} = input:0, {@code 10001} = discrete:0, {@code 00001} = coil:0; six digits reach the whole range
 * ({@code 465536} = holding:65535). Mixing the two is refused rather than guessed: {@code holding:40001} and
 * {@code 40000} are errors whose message says what to write instead.
 *
 * <p>The type in the address is optional; when present it must agree with the tag's data type. The word order,
 * when absent, is the device's default ({@code wordOrder} option, ABCD unless set).
 *
 * <h2>Several slaves on one bus</h2>
 * A suffix {@code @unit} names the unit id (slave address, 0..255) that holds the value, e.g.
 * {@code holding:100:float32@3} or {@code 40101:float32@3}: one device (one serial port, one TCP gateway) then reads
 * several slaves of a multi-drop bus over its one connection. Without it, the value is on the device's default unit
 * ({@code unit} option). The suffix comes last, after the type and word order, so the rest reads as before.
 */
public final class ModbusAddress {
  private static final String TABLES = "coil, discrete, input, holding";

  private final ModbusTable table;
  private final int offset;
  private final int bit;
  private final DataType dataType;
  private final int stringLength;
  private final WordOrder wordOrder;
  /** The unit id the address names, or -1 for the device's default unit. */
  private final int unit;

  private ModbusAddress(ModbusTable table, int offset, int bit, DataType dataType, int stringLength, WordOrder wordOrder,
      int unit) {
    this.unit = unit;
    this.table = table;
    this.offset = offset;
    this.bit = bit;
    this.dataType = dataType;
    this.stringLength = stringLength;
    this.wordOrder = wordOrder;
  }

  /**
   * Parses an address on its own; its data type is null unless the text names one.
   *
   * @throws AddressException saying what was found and what is expected
   */
  public static ModbusAddress parse(String text) {
    Objects.requireNonNull(text, "text");
    String body = text.trim();
    int unit = -1;
    int at = body.lastIndexOf('@');
    if (at >= 0) {
      String unitText = body.substring(at + 1).trim();
      if (unitText.isEmpty() || unitText.length() > 3 || !unitText.chars().allMatch(Character::isDigit)
          || Integer.parseInt(unitText) > 255) {
        throw new AddressException("'" + text + "': unit '" + unitText + "' after '@' is not a unit id in 0..255 (e.g. holding:100@3)");
      }
      unit = Integer.parseInt(unitText);
      body = body.substring(0, at);
    }
    String[] parts = body.trim().split(":", -1);
    String head = parts[0].toLowerCase(Locale.ROOT);
    ModbusTable table;
    String number;
    int rest;
    if (!head.isEmpty() && Character.isDigit(head.charAt(0))) {
      String digits = head.contains(".") ? head.substring(0, head.indexOf('.')) : head;
      table = modiconTable(text, digits);
      number = head;
      rest = 1;
    } else {
      table = ModbusTable.fromNotation(head);
      if (table == null) {
        throw new AddressException("unknown table '" + parts[0] + "' (expected " + TABLES + ")");
      }
      if (parts.length < 2 || parts[1].isEmpty()) {
        throw new AddressException("'" + text + "' has no address after '" + head + ":' (expected e.g. " + head + ":100)");
      }
      number = parts[1];
      rest = 2;
    }
    String bitText = null;
    int dot = number.indexOf('.');
    if (dot >= 0) {
      bitText = number.substring(dot + 1);
      number = number.substring(0, dot);
    }
    if (!number.chars().allMatch(Character::isDigit) || number.isEmpty() || number.length() > 6) {
      throw new AddressException("'" + text + "': '" + number + "' is not an address (expected a number from 0 to 65535)");
    }
    int offset;
    if (rest == 1) {
      offset = Integer.parseInt(number.substring(1)) - 1;
    } else {
      if (number.length() >= 5 && number.charAt(0) == table.modiconPrefix()) {
        int modicon = Integer.parseInt(number.substring(1));
        throw new AddressException("'" + text + "' mixes notations: after '" + table.notation()
            + ":' the number is the 0-based protocol address, but " + number + " looks like a Modicon number; write "
            + number + " alone (= " + table.notation() + ":" + (modicon - 1) + ") or, for protocol address " + number
            + ", the 6-digit Modicon " + table.modiconPrefix() + String.format("%05d", Integer.parseInt(number) + 1));
      }
      offset = Integer.parseInt(number);
      if (offset > 65535) throw new AddressException("'" + text + "': address " + offset + " > 65535");
    }
    int bit = -1;
    if (bitText != null) {
      if (table.isBits()) throw new AddressException("'" + text + "': a bit number applies to registers, not to " + table.notation());
      if (bitText.isEmpty() || !bitText.chars().allMatch(Character::isDigit) || bitText.length() > 2 || Integer.parseInt(bitText) > 15) {
        throw new AddressException("'" + text + "': bit '" + bitText + "' is not in 0..15");
      }
      bit = Integer.parseInt(bitText);
    }
    DataType dataType = null;
    int stringLength = 0;
    WordOrder wordOrder = null;
    for (int i = rest; i < parts.length; i++) {
      String p = parts[i].trim().toLowerCase(Locale.ROOT);
      if (p.length() == 4 && isWordOrder(p)) {
        if (wordOrder != null) throw new AddressException("'" + text + "' names two word orders");
        wordOrder = WordOrder.parse(p);
      } else if (p.startsWith("string")) {
        if (dataType != null) throw new AddressException("'" + text + "' names two types");
        dataType = DataType.STRING;
        stringLength = parseStringLength(text, p);
      } else {
        if (dataType != null) throw new AddressException("'" + text + "' names two types");
        try {
          dataType = DataType.parse(p);
        } catch (IllegalArgumentException e) {
          throw new AddressException("'" + text + "': " + e.getMessage() + " or a word order (abcd, cdab, badc, dcba)");
        }
      }
    }
    ModbusAddress a = new ModbusAddress(table, offset, bit, dataType, stringLength, wordOrder, unit);
    a.checkShape(text);
    return a;
  }

  /**
   * Parses a tag's address and completes it with the tag's data type.
   *
   * @throws AddressException naming the tag if the address is malformed or disagrees with the tag's type
   */
  public static ModbusAddress of(Tag tag) {
    ModbusAddress a;
    try {
      a = parse(tag.address());
    } catch (AddressException e) {
      throw new AddressException("tag '" + tag.name() + "': " + e.getMessage(), e);
    }
    DataType tagType = tag.dataType();
    if (a.dataType != null && !a.dataType.equals(tagType)) {
      throw new AddressException("tag '" + tag.name() + "': address '" + tag.address() + "' says " + a.dataType
          + " but the tag's type is " + tagType);
    }
    if (a.dataType == null && tagType.kind() == DataType.Kind.STRING) {
      throw new AddressException("tag '" + tag.name() + "': a string needs its length in bytes in the address, e.g. '"
          + tag.address() + ":string[16]'");
    }
    ModbusAddress resolved = new ModbusAddress(a.table, a.offset, a.bit, tagType, a.stringLength, a.wordOrder, a.unit);
    try {
      resolved.checkShape(tag.address());
    } catch (AddressException e) {
      throw new AddressException("tag '" + tag.name() + "': " + e.getMessage(), e);
    }
    return resolved;
  }

  private void checkShape(String text) {
    if (dataType == null) return;
    DataType.Kind kind = dataType.kind();
    if (table.isBits() && kind != DataType.Kind.BOOL) {
      throw new AddressException("'" + text + "': " + table.notation() + " holds bits, so its type is bool, not " + dataType);
    }
    if (bit >= 0 && (kind != DataType.Kind.BOOL || dataType.isArray())) {
      throw new AddressException("'" + text + "': a bit of a register is a bool, not " + dataType);
    }
    if (!table.isBits() && kind == DataType.Kind.BOOL && dataType.isArray()) {
      throw new AddressException("'" + text + "': arrays of bool live in coil or discrete, not in " + table.notation() + " registers");
    }
    if (wordOrder != null && (table.isBits() || kind == DataType.Kind.BOOL)) {
      throw new AddressException("'" + text + "': a word order applies to register values, not to " + dataType);
    }
    long end = (long) offset + width();
    if (end > 65536) {
      throw new AddressException("'" + text + "': " + width() + (table.isBits() ? " bits" : " registers") + " from " + offset
          + " run past the last address 65535");
    }
  }

  private static boolean isWordOrder(String p) {
    return p.equals("abcd") || p.equals("cdab") || p.equals("badc") || p.equals("dcba");
  }

  private static int parseStringLength(String text, String p) {
    if (p.equals("string")) {
      throw new AddressException("'" + text + "': a string needs its length in bytes, e.g. string[16]");
    }
    if (!p.startsWith("string[") || !p.endsWith("]")) {
      throw new AddressException("'" + text + "': malformed string type '" + p + "' (expected e.g. string[16])");
    }
    try {
      int n = Integer.parseInt(p.substring(7, p.length() - 1));
      if (n < 1 || n > 250) throw new AddressException("'" + text + "': string length " + n + " not in 1..250 bytes");
      return n;
    } catch (NumberFormatException e) {
      throw new AddressException("'" + text + "': malformed string length in '" + p + "' (expected e.g. string[16])");
    }
  }

  private static ModbusTable modiconTable(String text, String digits) {
    if (digits.length() < 5 || digits.length() > 6) {
      throw new AddressException("'" + text + "': a bare number is read as a Modicon number, which has 5 or 6 digits "
          + "(1-based, e.g. 40001 = holding:0); for the 0-based protocol address write e.g. holding:" + digits);
    }
    ModbusTable table = null;
    for (ModbusTable t : ModbusTable.values()) {
      if (t.modiconPrefix() == digits.charAt(0)) table = t;
    }
    if (table == null) {
      throw new AddressException("'" + text + "': Modicon numbers start with 0 (coil), 1 (discrete), 3 (input) or 4 (holding), not "
          + digits.charAt(0));
    }
    int n = Integer.parseInt(digits.substring(1));
    int max = digits.length() == 5 ? 9999 : 65536;
    if (n < 1 || n > max) {
      throw new AddressException("'" + text + "': Modicon numbers are 1-based (" + table.modiconPrefix()
          + (digits.length() == 5 ? "0001" : "00001") + " = " + table.notation() + ":0), so " + digits + " is not one");
    }
    return table;
  }

  public ModbusTable table() {
    return table;
  }

  /** Returns the 0-based protocol address of the first register or bit. */
  public int offset() {
    return offset;
  }

  /** Returns the bit inside the register (0 = least significant), or -1 if the address is a whole register or bit. */
  public int bit() {
    return bit;
  }

  /** Returns the data type, or null for an address parsed on its own without one. */
  public DataType dataType() {
    return dataType;
  }

  /** Returns the length of a string in bytes, or 0. */
  public int stringLength() {
    return stringLength;
  }

  /** Returns the word order the address names, or null for the device's default. */
  public WordOrder wordOrder() {
    return wordOrder;
  }

  /** Returns {@link #wordOrder()}, or {@code defaultOrder} if the address names none. */
  public WordOrder wordOrder(WordOrder defaultOrder) {
    return wordOrder != null ? wordOrder : defaultOrder;
  }

  /** Returns the unit id the address names after {@code @}, or -1 if it names none (the device's default unit). */
  public int unit() {
    return unit;
  }

  /** Returns {@link #unit()}, or {@code defaultUnit} if the address names none. */
  public int unit(int defaultUnit) {
    return unit >= 0 ? unit : defaultUnit;
  }

  /** Returns how many bits (bit tables) or registers (register tables) the value occupies. */
  public int width() {
    if (dataType == null) return 1;
    if (table.isBits()) return dataType.length();
    if (bit >= 0 || dataType.kind() == DataType.Kind.BOOL) return 1;
    if (dataType.kind() == DataType.Kind.STRING) return (stringLength + 1) / 2;
    return dataType.kind().bits() / 16 * dataType.length();
  }

  /** Returns the address after the last register or bit of the value. */
  public int end() {
    return offset + width();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ModbusAddress)) return false;
    ModbusAddress a = (ModbusAddress) o;
    return a.table == table && a.offset == offset && a.bit == bit && Objects.equals(a.dataType, dataType)
        && a.stringLength == stringLength && a.wordOrder == wordOrder && a.unit == unit;
  }

  @Override
  public int hashCode() {
    return Objects.hash(table, offset, bit, dataType, stringLength, wordOrder, unit);
  }

  /** Returns the canonical notation with the 0-based address, e.g. {@code holding:100:float32:cdab} or {@code coil:7@3}. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(table.notation()).append(':').append(offset);
    if (bit >= 0) s.append('.').append(bit);
    if (dataType != null) {
      s.append(':').append(dataType.kind() == DataType.Kind.STRING ? "string[" + stringLength + "]" : dataType.toString());
    }
    if (wordOrder != null) s.append(':').append(wordOrder.notation());
    if (unit >= 0) s.append('@').append(unit);
    return s.toString();
  }
}
