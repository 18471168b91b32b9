package io.aifactory.sdk.core;

import java.net.URI;
import java.util.Set;

/**
 * Service provider interface for protocol drivers, found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/io.aifactory.sdk.core.DeviceDriver}, by URI scheme (like a JDBC driver).
 */
public interface DeviceDriver {
  /** Returns the URI schemes this driver opens, e.g. {@code modbus+tcp}; lower case. */
  Set<String> schemes();

  /**
   * Returns a device for {@code uri} that connects in the background; does not block on the network.
   *
   * @throws ConfigurationException if the URI or its options are malformed
   */
  Device open(URI uri, DeviceOptions options);

  /**
   * Checks that a tag's address and data type make sense for this protocol, without a connection.
   *
   * @throws AddressException saying what was found and what is expected; the caller says where (the config loader
   *     puts the path of the tag in front, e.g. {@code devices[1].tags[3].address: unknown table 'holdin' (expected
   *     coil, discrete, input, holding)})
   */
  void checkAddress(Tag tag);
}
