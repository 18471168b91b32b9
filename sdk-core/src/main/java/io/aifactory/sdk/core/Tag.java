package io.aifactory.sdk.core;

import java.util.Objects;

/**
 * A named value on a device: where it lives (an address in the protocol's own notation), its type, and how
 * the raw value becomes an engineering value ({@code raw × scale + offset}).
 *
 * <p>The address is parsed by the driver of the device's scheme, not here: {@code holding:100:float32:cdab}
 * for Modbus, {@code ns=2;s=Line1.Temperature} for OPC UA. Scale, offset and deadband apply to scalar numeric
 * types only; a tag of another type that sets them is refused rather than silently ignored.
 *
 * <pre>{@code
 * Tag temperature = Tag.newBuilder()
 *     .name("line1.temperature")
 *     .address("holding:100:float32:cdab")
 *     .dataType(DataType.FLOAT32)
 *     .unit("°C")
 *     .build();
 * }</pre>
 */
public final class Tag {
  private final String name;
  private final String address;
  private final DataType dataType;
  private final double scale;
  private final double offset;
  private final String unit;
  private final double deadband;

  private Tag(Builder b) {
    this.name = b.name;
    this.address = b.address;
    this.dataType = b.dataType;
    this.scale = b.scale;
    this.offset = b.offset;
    this.unit = b.unit;
    this.deadband = b.deadband;
  }

  /** Returns a tag with no scaling, no unit and no deadband. */
  public static Tag of(String name, String address, DataType dataType) {
    return newBuilder().name(name).address(address).dataType(dataType).build();
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns a builder holding this tag's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public String name() {
    return name;
  }

  public String address() {
    return address;
  }

  public DataType dataType() {
    return dataType;
  }

  public double scale() {
    return scale;
  }

  public double offset() {
    return offset;
  }

  /** Returns the engineering unit, or an empty string. */
  public String unit() {
    return unit;
  }

  /** Returns the absolute deadband in engineering units; 0 reports every change. */
  public double deadband() {
    return deadband;
  }

  /** Returns true if scale or offset change the raw value. */
  public boolean isScaled() {
    return scale != 1.0 || offset != 0.0;
  }

  /** Returns {@code raw × scale + offset}. */
  public double toEngineering(double raw) {
    return raw * scale + offset;
  }

  /** Returns {@code (engineering − offset) / scale}, the value to write to the device. */
  public double toRaw(double engineering) {
    return (engineering - offset) / scale;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Tag)) return false;
    Tag t = (Tag) o;
    return t.name.equals(name) && t.address.equals(address) && t.dataType.equals(dataType)
        && Double.compare(t.scale, scale) == 0 && Double.compare(t.offset, offset) == 0
        && t.unit.equals(unit) && Double.compare(t.deadband, deadband) == 0;
  }

  @Override
  public int hashCode() {
    // Written out rather than Objects.hash: tags key plan caches on hot paths, and varargs would box every double.
    int h = name.hashCode();
    h = 31 * h + address.hashCode();
    h = 31 * h + dataType.hashCode();
    h = 31 * h + Double.hashCode(scale);
    h = 31 * h + Double.hashCode(offset);
    h = 31 * h + unit.hashCode();
    return 31 * h + Double.hashCode(deadband);
  }

  @Override
  public String toString() {
    return "Tag{" + name + " @ " + address + " : " + dataType
        + (isScaled() ? ", ×" + scale + " +" + offset : "")
        + (unit.isEmpty() ? "" : ", " + unit)
        + (deadband != 0 ? ", deadband " + deadband : "") + "}";
  }

  /** Builds a {@link Tag}; name, address and data type are required. */
  public static final class Builder {
    private String name;
    private String address;
    private DataType dataType;
    private double scale = 1.0;
    private double offset = 0.0;
    private String unit = "";
    private double deadband = 0.0;

    private Builder() {}

    private Builder(Tag t) {
      name = t.name;
      address = t.address;
      dataType = t.dataType;
      scale = t.scale;
      offset = t.offset;
      unit = t.unit;
      deadband = t.deadband;
    }

    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    public Builder address(String address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    public Builder dataType(DataType dataType) {
      this.dataType = Objects.requireNonNull(dataType, "dataType");
      return this;
    }

    public Builder scale(double scale) {
      if (!Double.isFinite(scale) || scale == 0) throw new IllegalArgumentException("scale is not a finite non-zero number: " + scale);
      this.scale = scale;
      return this;
    }

    public Builder offset(double offset) {
      if (!Double.isFinite(offset)) throw new IllegalArgumentException("offset is not finite: " + offset);
      this.offset = offset;
      return this;
    }

    public Builder unit(String unit) {
      this.unit = Objects.requireNonNull(unit, "unit");
      return this;
    }

    public Builder deadband(double deadband) {
      if (!(deadband >= 0) || Double.isInfinite(deadband)) throw new IllegalArgumentException("deadband is not a finite number >= 0: " + deadband);
      this.deadband = deadband;
      return this;
    }

    /**
     * @throws IllegalArgumentException if a required field is missing or empty, or scale, offset or deadband are
     *     set on a type that is not a scalar number
     */
    public Tag build() {
      if (name == null || name.isBlank()) throw new IllegalArgumentException("tag name is empty");
      if (address == null || address.isBlank()) throw new IllegalArgumentException("tag '" + name + "': address is empty");
      if (dataType == null) throw new IllegalArgumentException("tag '" + name + "': data type is missing");
      if (!dataType.isScalarNumeric() && (scale != 1.0 || offset != 0.0 || deadband != 0.0)) {
        throw new IllegalArgumentException("tag '" + name + "': scale, offset and deadband apply to scalar numbers only, not "
            + dataType);
      }
      return new Tag(this);
    }
  }
}
