package io.aifactory.sdk.modbus;

import io.aifactory.sdk.core.AddressException;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceDriver;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.modbus.internal.ModbusDevices;
import java.net.URI;
import java.util.Set;

/**
 * The Modbus driver, found by {@link io.aifactory.sdk.core.Devices} for {@code modbus+tcp://host:502?unit=1},
 * {@code modbus+rtu+tcp://host:4001?unit=1} (RTU framing over TCP, as serial gateways speak it) and
 * {@code modbus+rtu:///dev/ttyUSB0?baud=19200&parity=even&stop=1&unit=3} (serial, through j2mod).
 *
 * <p>Options, in the URI's query or {@link DeviceOptions#properties()} (which win): {@code unit} (1),
 * {@code timeout} in ms (the request timeout; refused if {@link DeviceOptions#requestTimeout()} was also set and
 * differs), {@code maxRegisters} (125) and {@code maxBits} (2000) per
 * request, {@code maxGap} (64) unused registers a merged read may bridge (16 × as many bits), {@code wordOrder}
 * (abcd) for addresses that name none, {@code verifyWrites} (false) to read every write back, {@code pipeline} (1)
 * read requests a cycle may have outstanding on one Modbus TCP connection (raise it only for devices that queue
 * requests; many answer one at a time and drop the rest), and for serial
 * {@code baud} (9600), {@code parity} (none, even, odd), {@code stop} (1) and {@code data} (8) bits. Tag addresses
 * follow {@link ModbusAddress}.
 */
public final class ModbusDriver implements DeviceDriver {
  private static final Set<String> SCHEMES = Set.of("modbus+tcp", "modbus+rtu+tcp", "modbus+rtu");

  @Override
  public Set<String> schemes() {
    return SCHEMES;
  }

  @Override
  public Device open(URI uri, DeviceOptions options) {
    return ModbusDevices.open(uri, options);
  }

  /**
   * Checks a tag's address and type. The message does not repeat the tag's name, because the caller (the config
   * loader) already says where the address is: {@code devices[1].tags[3].address: unknown table 'holdin' (expected
   * coil, discrete, input, holding)}.
   */
  @Override
  public void checkAddress(Tag tag) {
    try {
      ModbusAddress.of(tag);
    } catch (AddressException e) {
      String prefix = "tag '" + tag.name() + "': ";
      String message = e.getMessage();
      throw new AddressException(message.startsWith(prefix) ? message.substring(prefix.length()) : message, e);
    }
  }
}
