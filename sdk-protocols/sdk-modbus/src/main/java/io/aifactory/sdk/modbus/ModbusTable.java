package io.aifactory.sdk.modbus;

/** The four Modbus data tables, with their names in the address notation and their function codes. */
public enum ModbusTable {
  /** Read-write bits, FC01 to read, FC05 / FC15 to write; Modicon {@code 0xxxx}. */
  COIL("coil", 1, '0', true, true),
  /** Read-only bits, FC02; Modicon {@code 1xxxx}. */
  DISCRETE_INPUT("discrete", 2, '1', true, false),
  /** Read-only registers, FC04; Modicon {@code 3xxxx}. */
  INPUT_REGISTER("input", 4, '3', false, false),
  /** Read-write registers, FC03 to read, FC06 / FC16 to write; Modicon {@code 4xxxx}. */
  HOLDING_REGISTER("holding", 3, '4', false, true);

  private final String notation;
  private final int readFunctionCode;
  private final char modiconPrefix;
  private final boolean bits;
  private final boolean writable;

  ModbusTable(String notation, int readFunctionCode, char modiconPrefix, boolean bits, boolean writable) {
    this.notation = notation;
    this.readFunctionCode = readFunctionCode;
    this.modiconPrefix = modiconPrefix;
    this.bits = bits;
    this.writable = writable;
  }

  /** Returns the table's name in addresses: {@code coil}, {@code discrete}, {@code input}, {@code holding}. */
  public String notation() {
    return notation;
  }

  /** Returns the function code that reads this table (1, 2, 4 or 3). */
  public int readFunctionCode() {
    return readFunctionCode;
  }

  /** Returns the leading digit of this table's Modicon numbers. */
  public char modiconPrefix() {
    return modiconPrefix;
  }

  /** Returns true for the bit tables (coils, discrete inputs), false for the register tables. */
  public boolean isBits() {
    return bits;
  }

  /** Returns true for coils and holding registers, the tables a client may write. */
  public boolean isWritable() {
    return writable;
  }

  /** Returns the table named {@code notation} in addresses, or null. */
  public static ModbusTable fromNotation(String notation) {
    for (ModbusTable t : values()) {
      if (t.notation.equals(notation)) return t;
    }
    return null;
  }

  /** Returns the table a read function code reads, or null. */
  public static ModbusTable fromReadFunctionCode(int functionCode) {
    for (ModbusTable t : values()) {
      if (t.readFunctionCode == functionCode) return t;
    }
    return null;
  }
}
